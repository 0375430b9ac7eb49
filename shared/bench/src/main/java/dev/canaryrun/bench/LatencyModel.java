package dev.canaryrun.bench;

import dev.canaryrun.judge.LatencyHistogram;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Simulated latency histograms in Cloud Run's request_latencies shape: exponential buckets,
 * here scale 1 ms and growth factor 1.4 with 40 finite bounds (1 ms .. ~497 s), converted to
 * explicit bounds as the Monitoring reader does. Latency is log-normal.
 */
public final class LatencyModel {
  public static final double SCALE_MS = 1.0;
  public static final double GROWTH = 1.4;
  public static final int FINITE_BOUNDS = 40;
  public static final List<Double> BOUNDS;

  static {
    List<Double> b = new ArrayList<>();
    for (int i = 0; i < FINITE_BOUNDS; i++) {
      b.add(SCALE_MS * Math.pow(GROWTH, i));
    }
    BOUNDS = List.copyOf(b);
  }

  private LatencyModel() {}

  /** Probability of each of the N+1 buckets for a log-normal(median, sigma). */
  public static double[] bucketProbabilities(double medianMs, double sigma) {
    double[] p = new double[FINITE_BOUNDS + 1];
    double prev = 0;
    double mu = Math.log(medianMs);
    for (int i = 0; i < FINITE_BOUNDS; i++) {
      double cdf = Sampler.normalCdf((Math.log(BOUNDS.get(i)) - mu) / sigma);
      p[i] = Math.max(0, cdf - prev);
      prev = cdf;
    }
    p[FINITE_BOUNDS] = Math.max(0, 1 - prev);
    return p;
  }

  /** P(latency > t) for a log-normal(median, sigma). */
  public static double survival(double medianMs, double sigma, double t) {
    return 1 - Sampler.normalCdf((Math.log(t) - Math.log(medianMs)) / sigma);
  }

  /**
   * A histogram of Poisson(mean) requests: each bucket's count is an independent
   * Poisson(mean * p_i), which is exactly a Poisson total split multinomially.
   */
  public static LatencyHistogram sample(SplittableRandom rnd, double mean, double[] probs) {
    Long[] counts = new Long[probs.length];
    for (int i = 0; i < probs.length; i++) {
      counts[i] = Sampler.poisson(rnd, mean * probs[i]);
    }
    return new LatencyHistogram(BOUNDS, List.of(counts));
  }
}
