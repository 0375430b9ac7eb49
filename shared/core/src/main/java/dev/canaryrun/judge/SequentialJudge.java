package dev.canaryrun.judge;

import dev.canaryrun.policy.JudgeSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
 * threshold is not set yet); what the step then does is the state machine's StepGate
 * (exposure-aware progression, then the policy's onInconclusive).
 *
 * <h2>State</h2>
 * A typed {@link SequentialEvidence} in {@link JudgeState#evidence()}: one record per test
 * ({@link ErrorTest}, each quantile of {@link LatencyTest}), the calibration window
 * ({@link LatencyCalibration}), the guard rail's window ({@link GuardRails}) and what was seen
 * of the buckets consumed over the look-back ({@link LateData}).
 *
 * <h2>Late points</h2>
 * Each tick also re-reads the buckets consumed over the last {@link LateData#LOOKBACK} and
 * counts what arrived for them since, once, as further observations ({@link LatePoints});
 * later points are reported as dropped in the verdict.
 */
public final class SequentialJudge implements CanaryJudge {
  /** At and above this canary share the policy's effect sizes apply unscaled. */
  static final double FULL_EFFECT_PERCENT = 50.0;
  /** Below this 5xx rate a canary is good enough whatever the stable revision does. */
  public static final double ERROR_RATE_FLOOR = ErrorTest.RATE_FLOOR;

  private final ErrorTest errors = new ErrorTest();
  private final LatencyTest latency = new LatencyTest();

  @Override
  public Judgement judge(JudgeState state, JudgeSettings s, JudgeInput in) {
    SequentialEvidence e = state.evidence();
    long from = state.consumedUntil().getEpochSecond();
    if (e.late().trackedFromSecond() == 0) {
      // A fresh rollout, or one stored before late points were counted: the buckets it
      // consumed before were not recorded, so their points must never read as new.
      e = e.withLate(new LateData(from, from, List.of(), 0, 0));
    }
    BucketSelection sel = BucketSelection.select(state.consumedUntil(), in);
    if (e.step().share() != in.canaryPercent()) {
      e = LatencyTest.resetStep(ErrorTest.resetStep(e)).withTraffic(
          StepTraffic.at(in.canaryPercent()), e.totals(), e.canaryFromSecond());
      e = e.withLate(e.late().withStepFrom(from));
    }
    double scale = Math.max(1.0, FULL_EFFECT_PERCENT / Math.max(1, in.canaryPercent()));
    double errNull = 1 + (s.minimumErrorRatio() - 1) * scale;

    GuardRails guard = new GuardRails();
    // Late points first: they belong to older buckets than any consumed now, and are tested
    // at the thresholds as they stand, which earlier buckets set (predictable).
    LatePoints.Scan late = LatePoints.scan(e, state.consumedUntil(), in);
    for (LatePoints.Delta d : late.counted()) {
      e = countLate(e, s, d, errNull, scale, guard);
    }
    for (BucketSelection.Pair p : sel.pairs()) {
      RequestCounts c = p.canary().requests();
      RequestCounts st = p.stable().requests();
      long canaryFrom = e.canaryFromSecond() == 0 && c.total() > 0
          ? p.start().getEpochSecond() : e.canaryFromSecond();
      e = e.withTraffic(e.step().plus(c, st), e.totals().plus(c, st), canaryFrom);
      e = errors.consume(e, c, st, errNull);
      // Errors count from the first request; latency only once the canary has warmed up (a
      // new revision starts cold while the stable one is warm: that is not a regression).
      // Test first, with thresholds set from earlier buckets; only then may this bucket's
      // stable data move a threshold, which applies from the next bucket on.
      if (canaryFrom != 0
          && p.start().getEpochSecond() >= canaryFrom + s.latencyWarmupSeconds()) {
        e = latency.consume(e, p.canary().latency(), p.stable().latency(), scale);
      }
      e = LatencyCalibration.calibrate(e, s, p.stable().latency());
      e = guard.errors(e, s, c, st);
      guard.utilisation(s, p);
    }
    e = e.withLate(LatePoints.record(e, late, sel.pairs(), sel.consumedUntil()));
    String lateNote = LatePoints.note(e.late(), late) + ColdStarts.note(sel.pairs());

    List<Check> checks = new ArrayList<>(guard.checks());
    List<String> failures = new ArrayList<>(guard.failures());
    List<String> missing = new ArrayList<>();
    Check exposure = ExposureCheck.check(e.step());
    if (exposure != null) {
      checks.add(exposure);
      failures.add(exposure.explanation());
    }
    ErrorTest.Result err = errors.judge(e, s, errNull);
    e = err.evidence();
    checks.add(lateNote.isEmpty() ? err.check() : withLateFigures(err.check(), e.late()));
    if (err.fail()) {
      failures.add(err.check().explanation());
    } else if (!err.pass()) {
      missing.add("errors");
    }
    double warmupLeft = warmupMinutesLeft(e, s, sel);
    for (int q = 0; q < LatencyTest.QUANTILES.length; q++) {
      LatencyTest.Result r = latency.judge(e, s, q, scale, warmupLeft);
      e = r.evidence();
      if (r.check() != null) {
        checks.add(r.check());
      }
      if (r.fail()) {
        failures.add(r.check().explanation());
      } else if (r.missing() != null) {
        missing.add(r.missing());
      }
    }
    Verdict verdict = VerdictText.verdict(e, s, in, sel, lateNote, errNull, scale, checks,
        failures, missing);
    return new Judgement(verdict, state.next(sel.consumedUntil(), e));
  }

  /**
   * Counts the late part of a consumed bucket as one more observation. Of a bucket consumed
   * in an earlier step it adds to the FAIL evidence and the rollout's totals only: this step's
   * PASS evidence and observed traffic are about this step's share. Latency thresholds are
   * not taken from late points (a threshold may come from any predictable part of the data).
   */
  private SequentialEvidence countLate(SequentialEvidence e, JudgeSettings s,
      LatePoints.Delta d, double errNull, double scale, GuardRails guard) {
    RequestCounts c = d.canary();
    RequestCounts st = d.stable();
    long canaryFrom = e.canaryFromSecond() == 0 && c.total() > 0 ? d.start()
        : e.canaryFromSecond();
    e = e.withTraffic(d.thisStep() ? e.step().plusLate(c, st) : e.step(),
        e.totals().plus(c, st), canaryFrom);
    e = d.thisStep() ? errors.consume(e, c, st, errNull) : errors.consumeFail(e, c, st);
    if (canaryFrom != 0 && d.start() >= canaryFrom + s.latencyWarmupSeconds()) {
      for (int q = 0; q < LatencyTest.QUANTILES.length; q++) {
        if (!Double.isNaN(d.canarySlow()[q])) {
          e = latency.observe(e, q, (long) d.canarySlow()[q], (long) d.stableSlow()[q],
              d.canaryTimed(), d.stableTimed(), scale, d.thisStep(), d.sameBounds());
        }
      }
    }
    return guard.errors(e, s, c, st);
  }

  private static Check withLateFigures(Check c, LateData late) {
    Map<String, Double> f = new HashMap<>(c.figures());
    f.put("lateRequests", late.countedRequests());
    f.put("droppedLateRequests", late.droppedRequests());
    return new Check(c.name(), c.outcome(), c.explanation(), f);
  }

  private static double warmupMinutesLeft(SequentialEvidence e, JudgeSettings s,
      BucketSelection sel) {
    if (e.canaryFromSecond() == 0) {
      return s.latencyWarmupSeconds() / 60.0;
    }
    double left = e.canaryFromSecond() + s.latencyWarmupSeconds()
        - sel.consumedUntil().getEpochSecond();
    return Math.max(0, left) / 60.0;
  }
}
