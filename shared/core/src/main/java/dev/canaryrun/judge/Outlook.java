package dev.canaryrun.judge;

/**
 * The maths behind "what was ruled out" and "when to expect a verdict", both from the same
 * counts the tests use.
 *
 * <p>Ruled out: a one-sided Wilson score bound on the canary's share of the events
 * (5xx, or slow requests), turned into a bound on the rate ratio through the two revisions'
 * requests. It is a fixed-sample bound, stated when a step or the rollout ends at a time set by
 * the policy, not by the data; the anytime-valid statements are the e-values themselves.
 *
 * <p>Expected time: if the canary is exactly as good as stable, the log likelihood ratio of
 * the PASS mixture's r' = 1 component (weight 1/2) against the null r = R grows by
 * KL(p0 || pR) per event, where p0 and pR are the canary's expected share of the events
 * under r = 1 and r = R; the minutes left are the nats still missing over that drift times
 * the events per minute at the step's observed traffic.
 */
final class Outlook {
  /** One-sided 95%. */
  static final double Z95 = 1.6448536269514722;
  /** Weight of the PASS mixture's r' = 1 component ({@link RatioTest#PASS_WEIGHTS}). */
  static final double PASS_WEIGHT_AT_ONE = RatioTest.PASS_WEIGHTS[1];

  private Outlook() {}

  /**
   * The largest canary/stable rate ratio not ruled out at 95%, from x canary and y stable
   * events over nc and ns requests; NaN with no events (nothing ruled out by ratio).
   */
  static double ratioUpperBound(double x, double y, double nc, double ns) {
    double n = x + y;
    if (n <= 0 || nc <= 0 || ns <= 0) {
      return Double.NaN;
    }
    double p = x / n;
    double z2 = Z95 * Z95;
    double u = (p + z2 / (2 * n) + Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)))
        / (1 + z2 / n);
    if (u >= 1) {
      return Double.POSITIVE_INFINITY;
    }
    return u / (1 - u) * (ns / nc);
  }

  /** A rate bound at 95% when no event was seen: the rule of three, 3/n. */
  static double zeroEventRateBound(double n) {
    return n > 0 ? 3 / n : Double.NaN;
  }

  /** Kullback-Leibler divergence of Bernoulli(p) from Bernoulli(q). */
  static double klBernoulli(double p, double q) {
    double a = p > 0 ? p * Math.log(p / q) : 0;
    double b = p < 1 ? (1 - p) * Math.log((1 - p) / (1 - q)) : 0;
    return a + b;
  }

  /**
   * Minutes until the ratio test's PASS e-process is expected to reach 1/alpha if the canary
   * is as good as stable: infinite when no events are expected.
   *
   * @param llrAtOne the PASS evidence so far of the r' = 1 component
   * @param canaryPerMin canary requests per minute at this step
   * @param stablePerMin stable requests per minute at this step
   * @param eventRate the events' rate per request (stable's 5xx rate, a quantile's share)
   * @param passNull the ratio the PASS test must rule out
   */
  static double minutesToPass(double alpha, double llrAtOne, double canaryPerMin,
      double stablePerMin, double eventRate, double passNull) {
    double need = Math.log(1 / alpha) - Math.log(PASS_WEIGHT_AT_ONE) - llrAtOne;
    if (need <= 0) {
      return 0;
    }
    if (canaryPerMin <= 0 || stablePerMin <= 0 || eventRate <= 0) {
      return Double.POSITIVE_INFINITY;
    }
    double p0 = canaryPerMin / (canaryPerMin + stablePerMin);
    double pR = canaryPerMin * passNull / (canaryPerMin * passNull + stablePerMin);
    double drift = klBernoulli(p0, pR) * (canaryPerMin + stablePerMin) * eventRate;
    return drift > 0 ? need / drift : Double.POSITIVE_INFINITY;
  }

  /**
   * Minutes until the low-error-rate route passes for a canary whose 5xx rate is {@code q}:
   * infinite when that rate is too close to the floor for the route to gain evidence.
   */
  static double minutesToFloorPass(double alpha, double llr, double canaryPerMin, double q) {
    double need = Math.log(1 / alpha) - llr;
    if (need <= 0) {
      return 0;
    }
    double q0 = ErrorTest.RATE_FLOOR;
    double q1 = ErrorTest.FLOOR_ALTERNATIVE;
    double drift = (q * Math.log(q1 / q0) + (1 - q) * Math.log((1 - q1) / (1 - q0)))
        * canaryPerMin;
    return drift > 0 ? need / drift : Double.POSITIVE_INFINITY;
  }

  /** "about 12 min", "under a minute", "not at this traffic". */
  static String minutes(double m) {
    if (Double.isInfinite(m) || Double.isNaN(m)) {
      return "not at this traffic";
    }
    if (m < 1) {
      return "within a minute";
    }
    return "in about " + Fmt.num(Math.ceil(m)) + " min";
  }
}
