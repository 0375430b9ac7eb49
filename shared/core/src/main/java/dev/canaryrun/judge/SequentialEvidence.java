package dev.canaryrun.judge;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link SequentialJudge} carries from one tick to the next, one typed record per test:
 * stored with the rollout (as JSON-shaped maps, by Jackson) and read back exactly.
 *
 * @param step this step's share and observed traffic
 * @param totals both revisions' requests and 5xx over the rollout
 * @param errors the 5xx ratio test
 * @param floor the low-error-rate PASS route of this step
 * @param latency one entry per quantile of {@link LatencyTest#QUANTILES}, in that order
 * @param calibration the stable latency data the next thresholds are taken from
 * @param guard the guard rail's pending window
 * @param canaryFromSecond epoch second of the first bucket with canary traffic (0: none yet),
 *     from which the latency warm-up counts
 * @param errorsWide the 5xx PASS test against twice the policy's effect beyond 1 (x2 for the
 *     default x1.5; see {@link ErrorTest#WIDE}): what the last step can still rule out when
 *     traffic is too low for the policy's own effect
 * @param late what was seen of the buckets consumed over the look-back, so that their late
 *     points are counted once ({@link LateData})
 * @param errorsWider the same against four times the policy's effect beyond 1 (x3 for the
 *     default; {@link ErrorTest#WIDER}): where not even x2 can be ruled out in time
 */
public record SequentialEvidence(StepTraffic step, ErrorTally totals, RatioState errors,
    ErrorFloor floor, List<QuantileState> latency, CalibrationWindow calibration,
    ErrorTally guard, long canaryFromSecond, RatioState errorsWide, LateData late,
    RatioState errorsWider) {
  public static final SequentialEvidence EMPTY = new SequentialEvidence(StepTraffic.EMPTY,
      ErrorTally.EMPTY, RatioState.EMPTY, ErrorFloor.EMPTY, List.of(), CalibrationWindow.EMPTY,
      ErrorTally.EMPTY, 0, RatioState.EMPTY, LateData.EMPTY, RatioState.EMPTY);

  public SequentialEvidence {
    step = step == null ? StepTraffic.EMPTY : step;
    totals = totals == null ? ErrorTally.EMPTY : totals;
    errors = errors == null ? RatioState.EMPTY : errors;
    floor = floor == null ? ErrorFloor.EMPTY : floor;
    calibration = calibration == null ? CalibrationWindow.EMPTY : calibration;
    guard = guard == null ? ErrorTally.EMPTY : guard;
    errorsWide = errorsWide == null ? RatioState.EMPTY : errorsWide;
    late = late == null ? LateData.EMPTY : late; // stored before late points were counted
    errorsWider = errorsWider == null ? RatioState.EMPTY : errorsWider; // stored before x3
    // Always one entry per quantile, so readers index without checking.
    List<QuantileState> l = new ArrayList<>(latency == null ? List.of() : latency);
    while (l.size() < LatencyTest.QUANTILES.length) {
      l.add(QuantileState.EMPTY);
    }
    latency = List.copyOf(l);
  }

  /** Evidence with no x3 PASS test yet (as stored before it existed). */
  public SequentialEvidence(StepTraffic step, ErrorTally totals, RatioState errors,
      ErrorFloor floor, List<QuantileState> latency, CalibrationWindow calibration,
      ErrorTally guard, long canaryFromSecond, RatioState errorsWide, LateData late) {
    this(step, totals, errors, floor, latency, calibration, guard, canaryFromSecond, errorsWide,
        late, RatioState.EMPTY);
  }

  double stepCanaryRequests() {
    return step.canaryRequests();
  }

  QuantileState quantile(int q) {
    return latency.get(q);
  }

  SequentialEvidence withQuantile(int q, QuantileState s) {
    List<QuantileState> l = new ArrayList<>(latency);
    l.set(q, s);
    return new SequentialEvidence(step, totals, errors, floor, l, calibration, guard,
        canaryFromSecond, errorsWide, late, errorsWider);
  }

  SequentialEvidence withErrors(RatioState e, ErrorFloor f) {
    return new SequentialEvidence(step, totals, e, f, latency, calibration, guard,
        canaryFromSecond, errorsWide, late, errorsWider);
  }

  SequentialEvidence withWide(RatioState w, RatioState wider) {
    return new SequentialEvidence(step, totals, errors, floor, latency, calibration, guard,
        canaryFromSecond, w, late, wider);
  }

  SequentialEvidence withCalibration(CalibrationWindow c) {
    return new SequentialEvidence(step, totals, errors, floor, latency, c, guard,
        canaryFromSecond, errorsWide, late, errorsWider);
  }

  SequentialEvidence withGuard(ErrorTally g) {
    return new SequentialEvidence(step, totals, errors, floor, latency, calibration, g,
        canaryFromSecond, errorsWide, late, errorsWider);
  }

  SequentialEvidence withTraffic(StepTraffic s, ErrorTally t, long canaryFrom) {
    return new SequentialEvidence(s, t, errors, floor, latency, calibration, guard, canaryFrom,
        errorsWide, late, errorsWider);
  }

  SequentialEvidence withLate(LateData l) {
    return new SequentialEvidence(step, totals, errors, floor, latency, calibration, guard,
        canaryFromSecond, errorsWide, l, errorsWider);
  }
}
