package dev.canaryrun.judge;

import java.util.List;

/**
 * One rate-ratio comparison (canary vs stable) with its two anytime-valid e-processes; its
 * evidence lives in a {@link RatioState}, this class holds only the fixed alternatives:
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
 */
final class RatioTest {
  static final double[] PASS_WEIGHTS = {0.15, 0.5, 0.2, 0.15};

  private final double[] failAlternatives;
  private final double[] failWeights;

  RatioTest(double[] failAlternatives) {
    this(failAlternatives, equal(failAlternatives.length));
  }

  /** {@code failWeights} must sum to at most one. */
  RatioTest(double[] failAlternatives, double[] failWeights) {
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
    this.failAlternatives = failAlternatives.clone();
    this.failWeights = failWeights.clone();
  }

  private static double[] equal(int n) {
    double[] w = new double[n];
    java.util.Arrays.fill(w, 1.0 / n);
    return w;
  }

  static double[] passAlternatives(double passNull) {
    return new double[] {0.7, 1.0, Math.sqrt(passNull), (1.0 + passNull) / 2};
  }

  /** Adds one bucket's evidence: x of nc canary, y of ns stable. */
  RatioState observe(RatioState s, long x, long y, double nc, double ns, double passNull) {
    List<Double> fail = s.failLlr();
    List<Double> pass = s.passLlr();
    if (nc > 0 && ns > 0 && x + y != 0) {
      double[] f = new double[failAlternatives.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = RatioEvidence.logLikelihoodRatio(x, y, nc, ns, failAlternatives[i], 1.0);
      }
      fail = RatioState.plus(fail, f);
      double[] alts = passAlternatives(passNull);
      double[] p = new double[alts.length];
      for (int j = 0; j < alts.length; j++) {
        p[j] = RatioEvidence.logLikelihoodRatio(x, y, nc, ns, alts[j], passNull);
      }
      pass = RatioState.plus(pass, p);
    }
    return new RatioState(fail, pass, s.passDone(), s.canaryEvents() + x, s.stableEvents() + y,
        s.canaryN() + nc, s.stableN() + ns);
  }

  /**
   * Adds evidence to the FAIL e-process only: data produced at another step's traffic share
   * (late points of its buckets) is a regression as much as any, but says nothing about this
   * step's PASS, which is evidence gathered at this step's share.
   */
  RatioState observeFail(RatioState s, long x, long y, double nc, double ns) {
    List<Double> fail = s.failLlr();
    if (nc > 0 && ns > 0 && x + y != 0) {
      double[] f = new double[failAlternatives.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = RatioEvidence.logLikelihoodRatio(x, y, nc, ns, failAlternatives[i], 1.0);
      }
      fail = RatioState.plus(fail, f);
    }
    return new RatioState(fail, s.passLlr(), s.passDone(), s.canaryEvents() + x,
        s.stableEvents() + y, s.canaryN() + nc, s.stableN() + ns);
  }

  double logFailE(RatioState s) {
    double[] llr = new double[failAlternatives.length];
    for (int i = 0; i < llr.length; i++) {
      llr[i] = RatioState.llr(s.failLlr(), i);
    }
    return RatioEvidence.logMixture(failWeights, llr);
  }

  static double logPassE(RatioState s) {
    double[] llr = new double[PASS_WEIGHTS.length];
    for (int j = 0; j < llr.length; j++) {
      llr[j] = RatioState.llr(s.passLlr(), j);
    }
    return RatioEvidence.logMixture(PASS_WEIGHTS, llr);
  }

  /** The state with PASS marked done (sticky for the step) once its e-process has crossed. */
  static RatioState markPass(RatioState s, double logThreshold) {
    if (s.passDone() || logPassE(s) < logThreshold) {
      return s;
    }
    return new RatioState(s.failLlr(), s.passLlr(), true, s.canaryEvents(), s.stableEvents(),
        s.canaryN(), s.stableN());
  }

  /** A new step: PASS evidence and the step's PASS start afresh; FAIL carries on. */
  static RatioState resetStep(RatioState s) {
    return new RatioState(s.failLlr(), List.of(), false, s.canaryEvents(), s.stableEvents(),
        s.canaryN(), s.stableN());
  }

  /** Drops the PASS e-process's evidence (not a PASS already reached in this step). */
  static RatioState resetPass(RatioState s) {
    return new RatioState(s.failLlr(), List.of(), s.passDone(), s.canaryEvents(),
        s.stableEvents(), s.canaryN(), s.stableN());
  }
}
