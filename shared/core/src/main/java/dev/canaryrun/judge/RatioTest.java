package dev.canaryrun.judge;

import java.util.Map;

/**
 * One rate-ratio comparison (canary vs stable) with its two anytime-valid e-processes, kept
 * in the judge's flat state map under {@code <key>_...}:
 *
 * <ul>
 *   <li>FAIL: H0 "canary rate <= stable rate" (r <= 1) against a mixture over
 *       {@code failAlternatives} (r > 1) with prior weights (equal unless given; summing to
 *       at most one). Accumulates over the whole rollout: a regression is one at any traffic
 *       share.
 *   <li>PASS: H0 "canary rate >= passNull x stable rate" against a mixture over r' in
 *       {0.7, 1, sqrt(passNull), (1+passNull)/2} (weights 0.15, 0.5, 0.2, 0.15; 1 carries
 *       most weight because a healthy canary is most often exactly as good as stable). Reset
 *       at every traffic step. Alternatives and null are fixed within a step.
 *       For r' < passNull each factor has expectation <= 1 under any r >= passNull
 *       (monotone likelihood ratio), so the product is a supermartingale under that null.
 * </ul>
 *
 * <p>Keys: {@code <key>_fail_llr_<i>} (log LR of alternative i vs r = 1),
 * {@code <key>_pass_llr_<j>} (log LR of pass alternative j vs passNull, this step),
 * {@code <key>_pass_done} (1 once the PASS e-process crossed 1/alpha in this step),
 * {@code <key>_canary_events}, {@code <key>_stable_events}, {@code <key>_canary_n},
 * {@code <key>_stable_n} (rollout totals over the buckets tested, for explanations).
 */
final class RatioTest {
  static final double[] PASS_WEIGHTS = {0.15, 0.5, 0.2, 0.15};

  private final String key;
  private final double[] failAlternatives;
  private final double[] failWeights;

  RatioTest(String key, double[] failAlternatives) {
    this(key, failAlternatives, equal(failAlternatives.length));
  }

  /** {@code failWeights} must sum to at most one. */
  RatioTest(String key, double[] failAlternatives, double[] failWeights) {
    if (failAlternatives.length != failWeights.length) {
      throw new IllegalArgumentException("one weight per alternative");
    }
    double sum = 0;
    for (double w : failWeights) {
      sum += w;
    }
    if (sum > 1 + 1e-9) {
      throw new IllegalArgumentException("FAIL weights sum to " + sum + " > 1");
    }
    this.key = key;
    this.failAlternatives = failAlternatives.clone();
    this.failWeights = failWeights.clone();
  }

  private static double[] equal(int n) {
    double[] w = new double[n];
    java.util.Arrays.fill(w, 1.0 / n);
    return w;
  }

  String key() {
    return key;
  }

  static double[] passAlternatives(double passNull) {
    return new double[] {0.7, 1.0, Math.sqrt(passNull), (1.0 + passNull) / 2};
  }

  /** Adds one bucket's evidence: x of nc canary, y of ns stable. */
  void observe(Map<String, Double> v, long x, long y, double nc, double ns, double passNull) {
    add(v, key + "_canary_events", x);
    add(v, key + "_stable_events", y);
    add(v, key + "_canary_n", nc);
    add(v, key + "_stable_n", ns);
    if (nc <= 0 || ns <= 0 || x + y == 0) {
      return;
    }
    for (int i = 0; i < failAlternatives.length; i++) {
      add(v, key + "_fail_llr_" + i,
          RatioEvidence.logLikelihoodRatio(x, y, nc, ns, failAlternatives[i], 1.0));
    }
    double[] alts = passAlternatives(passNull);
    for (int j = 0; j < alts.length; j++) {
      add(v, key + "_pass_llr_" + j,
          RatioEvidence.logLikelihoodRatio(x, y, nc, ns, alts[j], passNull));
    }
  }

  double logFailE(Map<String, Double> v) {
    double[] llr = new double[failAlternatives.length];
    for (int i = 0; i < llr.length; i++) {
      llr[i] = get(v, key + "_fail_llr_" + i);
    }
    return RatioEvidence.logMixture(failWeights, llr);
  }

  double logPassE(Map<String, Double> v) {
    double[] llr = new double[PASS_WEIGHTS.length];
    for (int j = 0; j < llr.length; j++) {
      llr[j] = get(v, key + "_pass_llr_" + j);
    }
    return RatioEvidence.logMixture(PASS_WEIGHTS, llr);
  }

  /** Marks the PASS evidence done (sticky for the step) once it has crossed. */
  boolean passDone(Map<String, Double> v, double logThreshold) {
    if (get(v, key + "_pass_done") > 0) {
      return true;
    }
    if (logPassE(v) >= logThreshold) {
      v.put(key + "_pass_done", 1.0);
      return true;
    }
    return false;
  }

  void resetStep(Map<String, Double> v) {
    resetPass(v);
    v.remove(key + "_pass_done");
  }

  /** Drops the PASS e-process's evidence (not a PASS already reached in this step). */
  void resetPass(Map<String, Double> v) {
    for (int j = 0; j < PASS_WEIGHTS.length; j++) {
      v.remove(key + "_pass_llr_" + j);
    }
  }

  double events(Map<String, Double> v, boolean canary) {
    return get(v, key + (canary ? "_canary_events" : "_stable_events"));
  }

  double exposure(Map<String, Double> v, boolean canary) {
    return get(v, key + (canary ? "_canary_n" : "_stable_n"));
  }

  static double get(Map<String, Double> v, String k) {
    Double d = v.get(k);
    return d == null ? 0.0 : d;
  }

  static void add(Map<String, Double> v, String k, double d) {
    if (d != 0) {
      v.merge(k, d, Double::sum);
    }
  }
}
