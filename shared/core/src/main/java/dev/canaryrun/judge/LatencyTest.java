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
      QuantileState st = e.quantile(q);
      double t = st.thresholdMs();
      if (t <= 0) {
        continue;
      }
      if (hc.bounds().equals(hs.bounds())) { // a threshold must mean the same for both
        double passNull = 1 + (st.ratio() - 1) * scale;
        st = st.withTest(test.observe(st.test(), hc.countAtOrAbove(t), hs.countAtOrAbove(t),
            hc.total(), hs.total(), passNull));
      }
      st = st.withSince(st.sinceN() + hs.total(), st.sinceX() + hs.countAtOrAbove(t));
      e = e.withQuantile(q, st);
    }
    return e;
  }

  Result judge(SequentialEvidence e, JudgeSettings s, int q, double scale) {
    QuantileState st = e.quantile(q);
    String name = NAMES[q];
    if (!st.calibrated()) {
      long need = LatencyThresholds.minCalibrationRequests(QUANTILES[q]);
      Check c = new Check("latency-" + name, Outcome.INCONCLUSIVE,
          "latency " + name + ": threshold not set yet: it is taken once "
              + need + " stable requests with a histogram have been seen",
          Map.of("calibrationRequests", (double) need));
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
    return new Result(e.withQuantile(q, st), c, fail, pass,
        fail || pass ? null : "latency " + name);
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
