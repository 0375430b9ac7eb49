package dev.canaryrun.judge;

/**
 * The likelihood maths behind the judge's e-processes, as pure functions.
 *
 * <p>Rate comparison by conditioning: in one bucket the canary saw {@code x} events (5xx
 * responses, or requests slower than a threshold) out of exposure {@code nc} requests and
 * the stable revision {@code y} out of {@code ns}. If events are Poisson with rates
 * proportional to exposure and the canary's rate is {@code r} times the stable one, then
 * given the bucket's total {@code k = x + y}, {@code x ~ Binomial(k, p(r))} with
 * {@code p(r) = nc*r / (nc*r + ns)}. The stable's (unknown, possibly incident-inflated) rate
 * cancels out, which is why trouble that hits both revisions alike carries no evidence
 * against the canary. With binomial rather than Poisson counts the true conditional law is
 * a hypergeometric, which is less dispersed than this binomial (Hoeffding, 1963): the
 * likelihood ratios below then have expectation at most one under the null, so the tests
 * stay valid (conservative), most so for non-rare events such as the p50 exceedances.
 */
public final class RatioEvidence {
  private RatioEvidence() {}

  /** Canary share of the bucket's events under ratio {@code r}: nc*r/(nc*r+ns). */
  public static double share(double nc, double ns, double r) {
    return nc * r / (nc * r + ns);
  }

  /**
   * log of L(r1)/L(r0) for one bucket under the conditional binomial model. Zero when the
   * bucket carries no information (no events, or one revision had no traffic).
   *
   * <p>Simplifies to {@code x*ln(r1/r0) + k*ln((nc*r0+ns)/(nc*r1+ns))}: two logarithms.
   */
  public static double logLikelihoodRatio(long x, long y, double nc, double ns, double r1,
      double r0) {
    if (nc <= 0 || ns <= 0 || x + y == 0) {
      return 0.0;
    }
    return x * Math.log(r1 / r0) + (x + y) * Math.log((nc * r0 + ns) / (nc * r1 + ns));
  }

  /** log of the Bernoulli likelihood ratio of rate p1 against p0 for x events in n trials. */
  public static double logBernoulliRatio(long x, long n, double p1, double p0) {
    if (n <= 0) {
      return 0.0;
    }
    return x * Math.log(p1 / p0) + (n - x) * Math.log((1 - p1) / (1 - p0));
  }

  /**
   * log of the mixture {@code sum_i w_i * exp(llr_i)}: the e-value of a mixture of
   * likelihood-ratio martingales with prior weights {@code w} (summing to at most one).
   * Computed in log space so that large evidence does not overflow.
   */
  public static double logMixture(double[] weights, double[] llr) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < llr.length; i++) {
      if (weights[i] > 0) {
        max = Math.max(max, Math.log(weights[i]) + llr[i]);
      }
    }
    if (max == Double.NEGATIVE_INFINITY) {
      return max;
    }
    double sum = 0.0;
    for (int i = 0; i < llr.length; i++) {
      if (weights[i] > 0) {
        sum += Math.exp(Math.log(weights[i]) + llr[i] - max);
      }
    }
    return max + Math.log(sum);
  }
}
