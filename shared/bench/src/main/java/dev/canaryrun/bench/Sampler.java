package dev.canaryrun.bench;

import java.util.SplittableRandom;

/**
 * Exact Poisson and binomial draws from a {@link SplittableRandom}: no library, and fast
 * enough for millions of simulated minutes. Poisson: multiplication method below mean 10,
 * Hörmann's PTRS transformed rejection above (as numpy does). Binomial: geometric skipping,
 * O(n*p), exact; the bench only draws rare events (5xx) with it.
 */
public final class Sampler {
  private static final double[] LOG_FACTORIAL = new double[1024];

  static {
    for (int i = 1; i < LOG_FACTORIAL.length; i++) {
      LOG_FACTORIAL[i] = LOG_FACTORIAL[i - 1] + Math.log(i);
    }
  }

  private Sampler() {}

  public static long poisson(SplittableRandom rnd, double mean) {
    if (mean <= 0) {
      return 0;
    }
    if (mean < 10) {
      double limit = Math.exp(-mean);
      double prod = rnd.nextDouble();
      long k = 0;
      while (prod > limit) {
        k++;
        prod *= rnd.nextDouble();
      }
      return k;
    }
    double slam = Math.sqrt(mean);
    double loglam = Math.log(mean);
    double b = 0.931 + 2.53 * slam;
    double a = -0.059 + 0.02483 * b;
    double invalpha = 1.1239 + 1.1328 / (b - 3.4);
    double vr = 0.9277 - 3.6224 / (b - 2);
    while (true) {
      double u = rnd.nextDouble() - 0.5;
      double v = rnd.nextDouble();
      double us = 0.5 - Math.abs(u);
      long k = (long) Math.floor((2 * a / us + b) * u + mean + 0.43);
      if (us >= 0.07 && v <= vr) {
        return k;
      }
      if (k < 0 || (us < 0.013 && v > us)) {
        continue;
      }
      if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b)
          <= -mean + k * loglam - logFactorial(k)) {
        return k;
      }
    }
  }

  public static long binomial(SplittableRandom rnd, long n, double p) {
    if (n <= 0 || p <= 0) {
      return 0;
    }
    if (p >= 1) {
      return n;
    }
    if (p > 0.5) {
      return n - binomial(rnd, n, 1 - p);
    }
    double log1mp = Math.log1p(-p);
    long x = 0;
    long pos = 0;
    while (true) {
      double u = 1.0 - rnd.nextDouble(); // (0, 1]
      pos += (long) Math.floor(Math.log(u) / log1mp) + 1;
      if (pos > n) {
        return x;
      }
      x++;
    }
  }

  static double logFactorial(long k) {
    if (k < LOG_FACTORIAL.length) {
      return LOG_FACTORIAL[(int) k];
    }
    double x = k;
    return x * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI * x) + 1 / (12 * x)
        - 1 / (360 * x * x * x);
  }

  /** Standard normal CDF (complementary error function, Numerical Recipes, rel. err < 1.2e-7). */
  public static double normalCdf(double x) {
    return 0.5 * erfc(-x / Math.sqrt(2));
  }

  static double erfc(double x) {
    double z = Math.abs(x);
    double t = 1 / (1 + 0.5 * z);
    double ans = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196
        + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398
        + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
    return x >= 0 ? ans : 2 - ans;
  }
}
