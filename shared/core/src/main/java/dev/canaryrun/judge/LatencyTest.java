package dev.canaryrun.judge;

import dev.canaryrun.policy.JudgeSettings;
import java.util.HashMap;
import java.util.Map;

/**
 * The latency tests ({@code p50}, {@code p90}, {@code p99}): the ratio test on counts of
 * requests at or above three thresholds, the histogram boundaries nearest (in log-odds) the
 * stable revision's quantiles (set by {@link LatencyCalibration}); FAIL mixture over ratios
 * {1.1, 1.25, 1.5, 2, 3, 5}. Each bucket is tested against the thresholds as they stood
 * before it, which keeps a moving threshold predictable (see {@link SequentialJudge}).
 */
final class LatencyTest {
  static final double[] ALTERNATIVES = {1.1, 1.25, 1.5, 2, 3, 5};
  static final double[] QUANTILES = {0.5, 0.9, 0.99};
  static final String[] NAMES = {"p50", "p90", "p99"};

  private final RatioTest test = new RatioTest(ALTERNATIVES);

  /** What one quantile concludes this tick: no check at all when its threshold is disabled. */
  record Result(SequentialEvidence evidence, Check check, boolean fail, boolean pass,
      String missing) {}

  /** Tests one bucket against every threshold set so far. */
  SequentialEvidence consume(SequentialEvidence e, LatencyHistogram hc, LatencyHistogram hs,
      double scale) {
    for (int q = 0; q < QUANTILES.length; q++) {
      double t = e.quantile(q).thresholdMs();
      if (t > 0) {
        // A threshold must mean the same for both revisions to be tested.
        e = observe(e, q, hc.countAtOrAbove(t), hs.countAtOrAbove(t), hc.total(), hs.total(),
            scale, true, hc.bounds().equals(hs.bounds()));
      }
    }
    return e;
  }

  /**
   * Tests quantile q's counts: x of nc canary and y of ns stable requests at or above its
   * threshold. {@code withPass}: also this step's PASS evidence (false for late points of an
   * earlier step's bucket); {@code comparable}: false counts only the stable data towards the
   * threshold's check (the revisions' histograms have different bounds).
   */
  SequentialEvidence observe(SequentialEvidence e, int q, long x, long y, long nc, long ns,
      double scale, boolean withPass, boolean comparable) {
    QuantileState st = e.quantile(q);
    if (st.thresholdMs() <= 0) {
      return e;
    }
    if (comparable) {
      double passNull = 1 + (st.ratio() - 1) * scale;
      st = st.withTest(withPass ? test.observe(st.test(), x, y, nc, ns, passNull)
          : test.observeFail(st.test(), x, y, nc, ns));
    }
    return e.withQuantile(q, st.withSince(st.sinceN() + ns, st.sinceX() + y));
  }

  /**
   * @param warmupMinutesLeft minutes of the canary's warm-up still to come, during which its
   *     latency is not tested
   */
  Result judge(SequentialEvidence e, JudgeSettings s, int q, double scale,
      double warmupMinutesLeft) {
    QuantileState st = e.quantile(q);
    String name = NAMES[q];
    StepTraffic step = e.step();
    double passNullGuess = 1 + 2 * s.minimumLatencyIncrease() * scale;
    if (!st.calibrated()) {
      long need = LatencyThresholds.minCalibrationRequests(QUANTILES[q]);
      double have = 0;
      for (double c : e.calibration().counts()) {
        have += c;
      }
      // Calibration first (stable requests), then the PASS test at a typical exceedance
      // ratio for the policy's slowdown: an estimate, to say whether it can happen at all.
      double calMinutes = step.stablePerBucket() > 0
          ? Math.max(0, need - have) / step.stablePerBucket() : Double.POSITIVE_INFINITY;
      double minutes = Math.max(calMinutes, warmupMinutesLeft) + Outlook.minutesToPass(
          s.alpha(), 0, step.canaryPerBucket(), step.stablePerBucket(), 1 - QUANTILES[q],
          passNullGuess);
      Check c = new Check("latency-" + name, Outcome.INCONCLUSIVE,
          "latency " + name + ": threshold not set yet: it is taken once "
              + need + " stable requests with a histogram have been seen",
          Map.of("calibrationRequests", (double) need, "minutesToPass", minutes,
              "minutesNeeded", step.buckets() + minutes));
      return new Result(e, c, false, false, "latency " + name + " threshold");
    }
    if (st.thresholdMs() <= 0) {
      return new Result(e, null, false, true, null);
    }
    double logPass = Math.log(1 / s.alpha());
    double failThreshold = failThreshold(s);
    double logFail = test.logFailE(st.test());
    boolean fail = logFail >= Math.log(failThreshold);
    RatioState marked = RatioTest.markPass(st.test(), logPass);
    boolean pass = marked.passDone();
    st = st.withTest(marked);
    double passNull = 1 + (st.ratio() - 1) * scale;
    Check c = check(st, s, name, passNull, logFail, failThreshold, fail, pass);
    if (!fail && !pass) {
      RatioState t = st.test();
      double share = t.stableN() > 0 && t.stableEvents() > 0 ? t.stableEvents() / t.stableN()
          : 1 - QUANTILES[q];
      Map<String, Double> f = new HashMap<>(c.figures());
      f.put("minutesToPass", warmupMinutesLeft + Outlook.minutesToPass(s.alpha(),
          RatioState.llr(t.passLlr(), 1), step.canaryPerBucket(), step.stablePerBucket(),
          share, passNull));
      f.put("minutesNeeded", warmupMinutesLeft + Outlook.minutesToPass(s.alpha(), 0,
          step.canaryPerBucket(), step.stablePerBucket(), share, passNull));
      f.put("ruledOutAbove", Outlook.ratioUpperBound(t.canaryEvents(), t.stableEvents(),
          t.canaryN(), t.stableN()));
      c = new Check(c.name(), c.outcome(), c.explanation(), f);
    }
    return new Result(e.withQuantile(q, st), c, fail, pass,
        fail || pass ? null : "latency " + name);
  }

  /** What the latency evidence rules out so far, as a sentence (null: nothing to say). */
  static String ruledOut(SequentialEvidence e) {
    StringBuilder b = new StringBuilder();
    for (int q = 0; q < QUANTILES.length; q++) {
      QuantileState st = e.quantile(q);
      if (!st.calibrated() || st.thresholdMs() <= 0 || st.test().canaryN() == 0) {
        continue;
      }
      RatioState t = st.test();
      double bound = Outlook.ratioUpperBound(t.canaryEvents(), t.stableEvents(), t.canaryN(),
          t.stableN());
      if (Double.isNaN(bound) || Double.isInfinite(bound)) {
        continue;
      }
      b.append(b.length() == 0 ? "" : ", ").append(NAMES[q]).append(": no more than x")
          .append(Fmt.num(bound)).append(" the stable share of requests >= ")
          .append(Fmt.num(st.thresholdMs())).append(" ms");
    }
    if (b.length() == 0) {
      return "latency tests skipped: " + Fmt.num(e.totals().canaryRequests())
          + " canary requests, too few to set or test a threshold";
    }
    return "latency at 95% confidence: " + b;
  }

  /** 1/(alpha 0.05/3): the latency share of alpha split over the three thresholds. */
  static double failThreshold(JudgeSettings s) {
    return 1 / (s.alpha() * (1 - ErrorTest.ALPHA_SHARE) / QUANTILES.length);
  }

  /** Starts every quantile's PASS evidence for the step afresh. */
  static SequentialEvidence resetStep(SequentialEvidence e) {
    for (int q = 0; q < QUANTILES.length; q++) {
      QuantileState st = e.quantile(q);
      e = e.withQuantile(q, st.withTest(RatioTest.resetStep(st.test())));
    }
    return e;
  }

  private static Check check(QuantileState st, JudgeSettings s, String q, double passNull,
      double logFail, double failThreshold, boolean fail, boolean pass) {
    RatioState t = st.test();
    double ce = t.canaryEvents();
    double cn = t.canaryN();
    double se = t.stableEvents();
    double sn = t.stableN();
    double eFail = Fmt.safeExp(logFail);
    double ePass = Fmt.safeExp(RatioTest.logPassE(t));
    double threshold = st.thresholdMs();
    Map<String, Double> f = new HashMap<>();
    f.put("thresholdMs", threshold);
    f.put("canarySlow", ce);
    f.put("canaryRequests", cn);
    f.put("stableSlow", se);
    f.put("stableRequests", sn);
    f.put("eFail", eFail);
    f.put("failThreshold", failThreshold);
    f.put("ePass", ePass);
    f.put("passThreshold", 1 / s.alpha());
    f.put("passRatio", passNull);
    double retaken = st.recalibrations();
    f.put("recalibrations", retaken);
    String text = "requests >= " + Fmt.num(threshold) + " ms (stable " + q + " boundary): canary "
        + Fmt.num(ce) + "/" + Fmt.num(cn) + " (" + Fmt.pct(cn > 0 ? ce / cn : Double.NaN)
        + ") vs stable " + Fmt.num(se) + "/" + Fmt.num(sn) + " ("
        + Fmt.pct(sn > 0 ? se / sn : Double.NaN) + "); e-value for 'canary slower' "
        + Fmt.num(eFail) + " (roll back at " + Fmt.num(failThreshold) + "); e-value for "
        + "'canary slow share >= x" + Fmt.num(passNull) + " stable' " + Fmt.num(ePass)
        + " (pass at " + Fmt.num(1 / s.alpha()) + ")"
        + (retaken > 0 ? "; threshold re-taken " + Fmt.num(retaken) + "x from later stable "
            + "data (stable requests above the old one were far below the nominal share)" : "");
    Outcome o = fail ? Outcome.FAIL : pass ? Outcome.PASS : Outcome.INCONCLUSIVE;
    return new Check("latency-" + q, o, "latency " + q + ": " + text, f);
  }
}
