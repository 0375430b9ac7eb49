package dev.canaryrun.judge;

import dev.canaryrun.policy.JudgeSettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * canaryrun's judge: compares the canary with the stable revision over the same buckets with
 * sequential, anytime-valid evidence (e-processes), so it can look every minute without
 * inflating false rollbacks. Pure and deterministic.
 *
 * <h2>Tests</h2>
 * <ul>
 *   <li><b>Errors</b> ({@code err}): 5xx counts, conditional-binomial rate ratio (see
 *       {@link RatioEvidence}); FAIL mixture over r in {1.5, 2, 3, 5, 10} with weights
 *       {0.3, 0.25, 0.2, 0.15, 0.1} (small ratios gather evidence slowly and need the mass).
 *   <li><b>Latency</b> ({@code lat_p50}, {@code lat_p90}, {@code lat_p99}): the same test on
 *       counts of requests at or above three thresholds, the histogram boundaries nearest (in
 *       log-odds) the stable revision's p50/p90/p99 (see {@link LatencyThresholds}); FAIL
 *       mixture over ratios {1.1, 1.25, 1.5, 2, 3, 5}.
 * </ul>
 *
 * <h2>Latency thresholds, and why moving them keeps the tests valid</h2>
 * Quantile q's threshold is set from the stable buckets consumed since the last threshold
 * was set, once they hold 10/(1-q) requests (p50: 20, p90: 100, p99: 1,000), so about ten
 * lie above it. Afterwards the judge counts, per threshold, the stable requests consumed
 * since it was set and how many were above it; when that share falls below a quarter of
 * the nominal 1-q over at least 10/(1-q) requests (a stall or two in the calibration sample
 * put the threshold where almost nothing goes, and its PASS test would gather no evidence
 * and hold the step to its maximum dwell), the threshold is re-taken from the stable buckets
 * consumed since, and that quantile's PASS evidence for the step restarts. Each bucket is
 * tested first, against the thresholds as they stood before it; only then may its stable
 * data set or move one. So every threshold is a function of buckets already consumed: it is
 * predictable. Given that past and the bucket's exceedance total, each bucket's likelihood
 * ratio has conditional expectation <= 1 under "the canary's exceedance rate at this bucket's
 * threshold is <= the stable's" (FAIL) or ">= passNull times it" (PASS), whichever threshold
 * it was. A product of such factors is a nonnegative supermartingale under the null that holds
 * at every threshold used, which a canary no slower than stable satisfies for every
 * threshold, so Ville's inequality still bounds the chance it ever crosses 1/alpha. The FAIL
 * product therefore keeps accumulating across a change of threshold; the PASS product is
 * restarted only so that its statement is about one threshold and one null (restarting is
 * always allowed: it only throws evidence away).
 *
 * <h2>Stopping rules</h2>
 * FAIL (roll back) when any of: the errors e-value >= 1/(0.95 alpha); a latency e-value >=
 * 1/(alpha 0.05/3) (the false-rollback budget alpha is split 95% errors, 5% latency over three
 * thresholds, a weighted Bonferroni, so the whole judge stays within alpha; latency data are
 * plentiful and cross far above their threshold within minutes, errors are rare and every
 * nat counts); the guard rail
 * (canary 5xx rate > guardrailErrorRate over a window of >= guardrailMinRequests canary
 * requests, unless the stable revision is as bad over the same window: shared trouble); canary
 * CPU or memory utilisation above the policy limit in a bucket where stable is not.
 *
 * <h2>PASS criterion</h2>
 * PASS needs evidence, gathered at the current traffic share: every test's reverse e-process
 * for "the canary is worse by the effect of interest" must have reached 1/alpha in this step.
 * The effect of interest is the policy's (errors: minimumErrorRatio; latency: the exceedance
 * ratio a uniform slowdown of minimumLatencyIncrease produces at that threshold) at shares
 * of 50% and above; below 50% it is scaled to cause as many excess bad requests as the
 * policy's effect would at 50%: r(s) = 1 + (r - 1) * 50 / s. An early, small step thus only
 * has to rule out regressions that would hurt as many users as the smallest one worth
 * catching at half traffic; the FAIL tests keep accumulating across steps, so smaller
 * regressions are still caught later. Services with almost no 5xx can also pass the errors
 * test by showing the canary's 5xx rate is below {@link #ERROR_RATE_FLOOR} (a Bernoulli
 * e-process against rate >= floor). No data never passes: INCONCLUSIVE (also while a latency
 * threshold is not set yet), and the state machine extends the step to its maximum dwell,
 * then pauses.
 *
 * <h2>State keys ({@link JudgeState#values()})</h2>
 * {@code share} (canary percent the step evidence belongs to); {@code canary_requests},
 * {@code canary_errors}, {@code stable_requests}, {@code stable_errors} (rollout totals);
 * {@code step_canary_requests}; {@code err_*} and {@code lat_p50_*}, {@code lat_p90_*},
 * {@code lat_p99_*} as documented on {@link RatioTest}; per quantile {@code lat_p50_calibrated}
 * etc. (1 once its threshold is set), {@code lat_p50_threshold_ms} etc. (0 = disabled as a
 * duplicate of another quantile's), {@code lat_p50_ratio} etc. (exceedance ratio of the
 * policy's slowdown), {@code lat_p50_since_n} / {@code lat_p50_since_x} (stable requests, and
 * those above the threshold, since it was set or last examined), {@code lat_p50_recalibrations}
 * (times re-taken); {@code lat_cal_size}, {@code lat_cal_b_<i>} / {@code lat_cal_c_<i>}
 * (stable histogram bounds, and counts since the last threshold was set: the calibration
 * window); {@code err_floor_llr}, {@code err_floor_done} (the low-error-rate PASS route, this
 * step); {@code guard_canary_requests}, {@code guard_canary_errors},
 * {@code guard_stable_requests}, {@code guard_stable_errors} (the guard rail's pending window).
 */
public final class SequentialJudge implements CanaryJudge {
  static final double[] ERROR_ALTERNATIVES = {1.5, 2, 3, 5, 10};
  /**
   * Prior weights of the errors FAIL mixture: more mass on the small ratios, whose evidence
   * grows slowly (about (ln r)^2 per event), less on the large ones, which cross quickly
   * whatever their weight (each halving of a weight costs them ln 2 nats, under a minute).
   */
  static final double[] ERROR_WEIGHTS = {0.3, 0.25, 0.2, 0.15, 0.1};
  static final double[] LATENCY_ALTERNATIVES = {1.1, 1.25, 1.5, 2, 3, 5};
  /** Share of alpha spent on the errors test; the rest is split over the latency tests. */
  static final double ERROR_ALPHA_SHARE = 0.95;
  static final double[] QUANTILES = {0.5, 0.9, 0.99};
  static final String[] QUANTILE_NAMES = {"p50", "p90", "p99"};
  /** At and above this canary share the policy's effect sizes apply unscaled. */
  static final double FULL_EFFECT_PERCENT = 50.0;
  /** Below this 5xx rate a canary is good enough whatever the stable revision does. */
  public static final double ERROR_RATE_FLOOR = 0.001;
  static final double FLOOR_ALTERNATIVE = ERROR_RATE_FLOOR / 10;

  private final RatioTest errors = new RatioTest("err", ERROR_ALTERNATIVES, ERROR_WEIGHTS);
  private final RatioTest[] latency = {
      new RatioTest("lat_p50", LATENCY_ALTERNATIVES),
      new RatioTest("lat_p90", LATENCY_ALTERNATIVES),
      new RatioTest("lat_p99", LATENCY_ALTERNATIVES)};

  @Override
  public Judgement judge(JudgeState state, JudgeSettings s, JudgeInput in) {
    Map<String, Double> v = new HashMap<>(state.values());
    BucketSelection sel = BucketSelection.select(state.consumedUntil(), in);

    if (RatioTest.get(v, "share") != in.canaryPercent()) {
      resetStep(v);
      v.put("share", (double) in.canaryPercent());
    }
    double scale = Math.max(1.0, FULL_EFFECT_PERCENT / Math.max(1, in.canaryPercent()));
    double errNull = 1 + (s.minimumErrorRatio() - 1) * scale;

    Tick tick = new Tick();
    for (BucketSelection.Pair p : sel.pairs()) {
      consume(v, s, p, errNull, scale, tick);
    }
    Verdict verdict = verdict(v, s, in, sel, errNull, scale, tick);
    return new Judgement(verdict, new JudgeState(sel.consumedUntil(), v));
  }

  /** Findings of this tick that are not evidence carried over (guard rails). */
  private static final class Tick {
    final List<String> guardFailures = new ArrayList<>();
    final List<Check> guardChecks = new ArrayList<>();
    double maxCanaryCpu = Double.NaN;
    double maxCanaryMemory = Double.NaN;
  }

  private void consume(Map<String, Double> v, JudgeSettings s, BucketSelection.Pair p,
      double errNull, double scale, Tick tick) {
    RequestCounts c = p.canary().requests();
    RequestCounts st = p.stable().requests();
    RatioTest.add(v, "canary_requests", c.total());
    RatioTest.add(v, "canary_errors", c.c5xx());
    RatioTest.add(v, "stable_requests", st.total());
    RatioTest.add(v, "stable_errors", st.c5xx());
    RatioTest.add(v, "step_canary_requests", c.total());

    errors.observe(v, c.c5xx(), st.c5xx(), c.total(), st.total(), errNull);
    RatioTest.add(v, "err_floor_llr", RatioEvidence.logBernoulliRatio(c.c5xx(), c.total(),
        FLOOR_ALTERNATIVE, ERROR_RATE_FLOOR));

    LatencyHistogram hc = p.canary().latency();
    LatencyHistogram hs = p.stable().latency();
    // Test first, with thresholds set from earlier buckets; only then may this bucket's stable
    // data move a threshold, which applies from the next bucket on.
    for (int q = 0; q < latency.length; q++) {
      String k = latency[q].key();
      double t = RatioTest.get(v, k + "_threshold_ms");
      if (t <= 0) {
        continue;
      }
      if (hc.bounds().equals(hs.bounds())) { // a threshold must mean the same for both
        double passNull = 1 + (RatioTest.get(v, k + "_ratio") - 1) * scale;
        latency[q].observe(v, hc.countAtOrAbove(t), hs.countAtOrAbove(t), hc.total(),
            hs.total(), passNull);
      }
      RatioTest.add(v, k + "_since_n", hs.total());
      RatioTest.add(v, k + "_since_x", hs.countAtOrAbove(t));
    }
    calibrate(v, s, hs);
    guardRail(v, s, c, st, tick);
    utilisation(s, p, tick);
  }

  /**
   * Adds a consumed stable bucket to the calibration window (stable data since the last
   * threshold was set), then sets each quantile's threshold once the window holds
   * {@link LatencyThresholds#minCalibrationRequests} requests for it, and re-takes a threshold
   * whose later stable exceedance share is far below nominal
   * ({@link LatencyThresholds#isFarBelowNominal}). Any change empties the window, so a
   * threshold is always taken from stable data consumed after every threshold it replaces.
   */
  private void calibrate(Map<String, Double> v, JudgeSettings s, LatencyHistogram hs) {
    if (hs.total() == 0 || hs.bounds().isEmpty()) {
      return;
    }
    int n = hs.bounds().size();
    boolean same = RatioTest.get(v, "lat_cal_size") == n;
    for (int i = 0; same && i < n; i++) {
      same = RatioTest.get(v, "lat_cal_b_" + i) == hs.bounds().get(i);
    }
    if (!same) { // first sample, or the metric's buckets changed: start over
      clearCalibration(v);
      v.put("lat_cal_size", (double) n);
      for (int i = 0; i < n; i++) {
        v.put("lat_cal_b_" + i, hs.bounds().get(i));
      }
    }
    long total = 0;
    List<Long> counts = new ArrayList<>(n + 1);
    for (int i = 0; i <= n; i++) {
      double c = RatioTest.get(v, "lat_cal_c_" + i) + hs.counts().get(i);
      v.put("lat_cal_c_" + i, c);
      counts.add((long) c);
      total += (long) c;
    }
    LatencyHistogram sample = new LatencyHistogram(hs.bounds(), counts);
    boolean changed = false;
    for (int q = 0; q < latency.length; q++) {
      String k = latency[q].key();
      if (total < LatencyThresholds.minCalibrationRequests(QUANTILES[q])) {
        continue;
      }
      boolean set = RatioTest.get(v, k + "_calibrated") > 0;
      double current = RatioTest.get(v, k + "_threshold_ms");
      if (set && !(current > 0 && LatencyThresholds.isFarBelowNominal(QUANTILES[q],
          RatioTest.get(v, k + "_since_x"), RatioTest.get(v, k + "_since_n")))) {
        continue;
      }
      double t = LatencyThresholds.boundaryNear(sample, QUANTILES[q]);
      boolean usable = !Double.isNaN(t) && t > 0 && !takenByAnother(v, q, t);
      v.remove(k + "_since_n");
      v.remove(k + "_since_x");
      if (set && (!usable || t == current)) {
        continue; // nothing better to move to: look again after as many requests
      }
      v.put(k + "_threshold_ms", usable ? t : 0.0);
      v.put(k + "_ratio", usable
          ? LatencyThresholds.ratioForSlowdown(sample, t, s.minimumLatencyIncrease()) : 0.0);
      if (set) {
        // The PASS null is about the old threshold: start this step's PASS evidence afresh.
        // The FAIL e-process carries on (see the class comment: thresholds are predictable).
        latency[q].resetPass(v);
        RatioTest.add(v, k + "_recalibrations", 1);
      }
      v.put(k + "_calibrated", 1.0);
      changed = true;
    }
    if (changed) {
      v.keySet().removeIf(key -> key.startsWith("lat_cal_c_"));
    }
  }

  /** Whether another quantile already tests at {@code t} (a duplicate adds nothing). */
  private boolean takenByAnother(Map<String, Double> v, int q, double t) {
    for (int o = 0; o < latency.length; o++) {
      if (o != q && RatioTest.get(v, latency[o].key() + "_threshold_ms") == t) {
        return true;
      }
    }
    return false;
  }

  private static void clearCalibration(Map<String, Double> v) {
    v.keySet().removeIf(k -> k.startsWith("lat_cal_"));
  }

  private static void guardRail(Map<String, Double> v, JudgeSettings s, RequestCounts c,
      RequestCounts st, Tick tick) {
    RatioTest.add(v, "guard_canary_requests", c.total());
    RatioTest.add(v, "guard_canary_errors", c.c5xx());
    RatioTest.add(v, "guard_stable_requests", st.total());
    RatioTest.add(v, "guard_stable_errors", st.c5xx());
    double n = RatioTest.get(v, "guard_canary_requests");
    if (n < s.guardrailMinRequests()) {
      return; // keep collecting: too few requests for an absolute rate to mean anything
    }
    double e = RatioTest.get(v, "guard_canary_errors");
    double sn = RatioTest.get(v, "guard_stable_requests");
    double se = RatioTest.get(v, "guard_stable_errors");
    double rate = e / n;
    double stableRate = sn > 0 ? se / sn : Double.NaN;
    for (String k : List.of("guard_canary_requests", "guard_canary_errors",
        "guard_stable_requests", "guard_stable_errors")) {
      v.remove(k);
    }
    if (rate > s.guardrailErrorRate()) {
      boolean shared = stableRate > s.guardrailErrorRate();
      Map<String, Double> f = Map.of("canaryErrors", e, "canaryRequests", n, "canaryRate", rate,
          "stableErrors", se, "stableRequests", sn, "stableRate", stableRate,
          "ceiling", s.guardrailErrorRate());
      String text = "canary 5xx rate " + Fmt.pct(rate) + " (" + Fmt.num(e) + " of "
          + Fmt.num(n) + ") is above the ceiling " + Fmt.pct(s.guardrailErrorRate())
          + "; stable " + Fmt.pct(stableRate) + " (" + Fmt.num(se) + " of " + Fmt.num(sn) + ")";
      if (shared) {
        tick.guardChecks.add(new Check("guardrail-errors", Outcome.INCONCLUSIVE,
            text + ": both revisions are failing alike (shared trouble), not the canary's fault",
            f));
      } else {
        tick.guardFailures.add("guard rail: " + text);
        tick.guardChecks.add(new Check("guardrail-errors", Outcome.FAIL, text, f));
      }
    }
  }

  private static void utilisation(JudgeSettings s, BucketSelection.Pair p, Tick tick) {
    OptionalDouble cc = p.canary().cpuUtilisation();
    OptionalDouble sc = p.stable().cpuUtilisation();
    if (cc.isPresent()) {
      tick.maxCanaryCpu = Double.isNaN(tick.maxCanaryCpu) ? cc.getAsDouble()
          : Math.max(tick.maxCanaryCpu, cc.getAsDouble());
      overLimit("cpu", "CPU", cc, sc, s.maxCpuUtilisation(), p.start(), tick);
    }
    OptionalDouble cm = p.canary().memoryUtilisation();
    OptionalDouble sm = p.stable().memoryUtilisation();
    if (cm.isPresent()) {
      tick.maxCanaryMemory = Double.isNaN(tick.maxCanaryMemory) ? cm.getAsDouble()
          : Math.max(tick.maxCanaryMemory, cm.getAsDouble());
      overLimit("memory", "memory", cm, sm, s.maxMemoryUtilisation(), p.start(), tick);
    }
  }

  private static void overLimit(String name, String label, OptionalDouble canary,
      OptionalDouble stable, double limit, Instant at, Tick tick) {
    double c = canary.getAsDouble();
    if (!(c > limit)) {
      return;
    }
    double st = stable.orElse(Double.NaN);
    Map<String, Double> f = Map.of("canary", c, "stable", st, "limit", limit);
    String text = "canary " + label + " utilisation " + Fmt.pct(c) + " in the bucket at " + at
        + " is above the limit " + Fmt.pct(limit) + " (stable " + Fmt.pct(st) + ")";
    if (st > limit) {
      tick.guardChecks.add(new Check(name, Outcome.INCONCLUSIVE,
          text + ": the stable revision is over it too (shared load)", f));
    } else {
      tick.guardFailures.add(text);
      tick.guardChecks.add(new Check(name, Outcome.FAIL, text, f));
    }
  }

  private void resetStep(Map<String, Double> v) {
    errors.resetStep(v);
    for (RatioTest t : latency) {
      t.resetStep(v);
    }
    v.remove("err_floor_llr");
    v.remove("err_floor_done");
    v.remove("step_canary_requests");
  }

  // ---- the verdict ---------------------------------------------------------------------------

  private Verdict verdict(Map<String, Double> v, JudgeSettings s, JudgeInput in,
      BucketSelection sel, double errNull, double scale, Tick tick) {
    double logPass = Math.log(1 / s.alpha());
    double errFailThreshold = 1 / (s.alpha() * ERROR_ALPHA_SHARE);
    double latFailThreshold = 1 / (s.alpha() * (1 - ERROR_ALPHA_SHARE) / latency.length);
    List<Check> checks = new ArrayList<>(tick.guardChecks);
    List<String> failures = new ArrayList<>(tick.guardFailures);
    List<String> missing = new ArrayList<>();

    // Errors.
    double logErrFail = errors.logFailE(v);
    boolean errFail = logErrFail >= Math.log(errFailThreshold);
    boolean errRatioPass = errors.passDone(v, logPass);
    double floorLlr = RatioTest.get(v, "err_floor_llr");
    boolean floorPass = RatioTest.get(v, "err_floor_done") > 0 || floorLlr >= logPass;
    if (floorPass) {
      v.put("err_floor_done", 1.0);
    }
    checks.add(errorsCheck(v, s, errNull, logErrFail, errFailThreshold, errFail,
        errRatioPass, floorPass, floorLlr));
    if (errFail) {
      failures.add(checks.get(checks.size() - 1).explanation());
    } else if (!errRatioPass && !floorPass) {
      missing.add("errors");
    }

    // Latency.
    for (int q = 0; q < latency.length; q++) {
      RatioTest t = latency[q];
      if (RatioTest.get(v, t.key() + "_calibrated") == 0) {
        long need = LatencyThresholds.minCalibrationRequests(QUANTILES[q]);
        checks.add(new Check("latency-" + QUANTILE_NAMES[q], Outcome.INCONCLUSIVE,
            "latency " + QUANTILE_NAMES[q] + ": threshold not set yet: it is taken once "
                + need + " stable requests with a histogram have been seen",
            Map.of("calibrationRequests", (double) need)));
        missing.add("latency " + QUANTILE_NAMES[q] + " threshold");
        continue;
      }
      double threshold = RatioTest.get(v, t.key() + "_threshold_ms");
      if (threshold <= 0) {
        continue;
      }
      double logFail = t.logFailE(v);
      boolean fail = logFail >= Math.log(latFailThreshold);
      boolean pass = t.passDone(v, logPass);
      double passNull = 1 + (RatioTest.get(v, t.key() + "_ratio") - 1) * scale;
      Check c = latencyCheck(v, s, t, QUANTILE_NAMES[q], threshold, passNull, logFail,
          latFailThreshold, fail, pass);
      checks.add(c);
      if (fail) {
        failures.add(c.explanation());
      } else if (!pass) {
        missing.add("latency " + QUANTILE_NAMES[q]);
      }
    }

    String window = "buckets consumed this tick: " + sel.pairs().size() + " (to "
        + sel.consumedUntil() + ")";
    if (!failures.isEmpty()) {
      return new Verdict(Outcome.FAIL, "canary fails: " + String.join("; ", failures)
          + " [" + window + "]", checks);
    }
    if (RatioTest.get(v, "step_canary_requests") == 0) {
      return new Verdict(Outcome.INCONCLUSIVE, "no canary traffic at " + in.canaryPercent()
          + "% yet: no evidence, no pass [" + window + "]", checks);
    }
    if (missing.isEmpty()) {
      return new Verdict(Outcome.PASS, "canary is not worse than stable by the effects of "
          + "interest at " + in.canaryPercent() + "% (5xx ratio x" + Fmt.num(errNull)
          + ", latency +" + Fmt.num(s.minimumLatencyIncrease() * 100) + "%" + scaleNote(scale)
          + ") and no regression detected; canary " + Fmt.num(RatioTest.get(v,
          "canary_requests")) + " requests, " + Fmt.pct(rate(v, "canary")) + " 5xx vs stable "
          + Fmt.pct(rate(v, "stable")) + " [" + window + "]", checks);
    }
    return new Verdict(Outcome.INCONCLUSIVE, "no regression detected, but not enough evidence "
        + "yet to pass at " + in.canaryPercent() + "% (" + Fmt.num(RatioTest.get(v,
        "step_canary_requests")) + " canary requests in this step); still waiting on: "
        + String.join(", ", missing) + " [" + window + "]", checks);
  }

  private static String scaleNote(double scale) {
    return scale > 1 ? ", scaled x" + Fmt.num(scale) + " for the small share" : "";
  }

  private static double rate(Map<String, Double> v, String who) {
    double n = RatioTest.get(v, who + "_requests");
    return n > 0 ? RatioTest.get(v, who + "_errors") / n : Double.NaN;
  }

  private Check errorsCheck(Map<String, Double> v, JudgeSettings s, double errNull,
      double logFail, double failThreshold, boolean fail, boolean ratioPass, boolean floorPass,
      double floorLlr) {
    double ce = errors.events(v, true);
    double cn = errors.exposure(v, true);
    double se = errors.events(v, false);
    double sn = errors.exposure(v, false);
    double eFail = safeExp(logFail);
    double ePass = safeExp(errors.logPassE(v));
    double eFloor = safeExp(floorLlr);
    Map<String, Double> f = new HashMap<>();
    f.put("canaryErrors", ce);
    f.put("canaryRequests", cn);
    f.put("stableErrors", se);
    f.put("stableRequests", sn);
    f.put("canaryRate", cn > 0 ? ce / cn : Double.NaN);
    f.put("stableRate", sn > 0 ? se / sn : Double.NaN);
    f.put("eFail", eFail);
    f.put("failThreshold", failThreshold);
    f.put("ePass", ePass);
    f.put("passThreshold", 1 / s.alpha());
    f.put("passRatio", errNull);
    f.put("eFloor", eFloor);
    String counts = "canary 5xx " + Fmt.num(ce) + "/" + Fmt.num(cn) + " ("
        + Fmt.pct(cn > 0 ? ce / cn : Double.NaN) + ") vs stable " + Fmt.num(se) + "/"
        + Fmt.num(sn) + " (" + Fmt.pct(sn > 0 ? se / sn : Double.NaN) + ")";
    String fails = "e-value for 'canary has more 5xx' " + Fmt.num(eFail) + " (roll back at "
        + Fmt.num(failThreshold) + ")";
    String passes = "e-value for 'canary 5xx >= x" + Fmt.num(errNull) + " stable' "
        + Fmt.num(ePass) + " (pass at " + Fmt.num(1 / s.alpha()) + ")";
    if (fail) {
      return new Check("errors", Outcome.FAIL, counts + ": " + fails + " crossed", f);
    }
    if (ratioPass || floorPass) {
      String how = ratioPass ? passes + " reached in this step"
          : "canary 5xx rate shown below " + Fmt.pct(ERROR_RATE_FLOOR) + " (e-value "
              + Fmt.num(eFloor) + ")";
      return new Check("errors", Outcome.PASS, counts + ": " + fails + "; " + how, f);
    }
    return new Check("errors", Outcome.INCONCLUSIVE, counts + ": " + fails + "; " + passes, f);
  }

  private static Check latencyCheck(Map<String, Double> v, JudgeSettings s, RatioTest t,
      String q, double threshold, double passNull, double logFail, double failThreshold,
      boolean fail, boolean pass) {
    double ce = t.events(v, true);
    double cn = t.exposure(v, true);
    double se = t.events(v, false);
    double sn = t.exposure(v, false);
    double eFail = safeExp(logFail);
    double ePass = safeExp(t.logPassE(v));
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
    double retaken = RatioTest.get(v, t.key() + "_recalibrations");
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

  private static double safeExp(double log) {
    return Math.exp(Math.min(log, 700));
  }
}
