package dev.canaryrun.judge;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link SequentialJudge} carries from one tick to the next, one typed record per test:
 * stored with the rollout (as JSON-shaped maps, by Jackson) and read back exactly.
 *
 * @param share the canary percent this step's evidence belongs to
 * @param totals both revisions' requests and 5xx over the rollout
 * @param stepCanaryRequests canary requests in this step
 * @param errors the 5xx ratio test
 * @param floor the low-error-rate PASS route of this step
 * @param latency one entry per quantile of {@link LatencyTest#QUANTILES}, in that order
 * @param calibration the stable latency data the next thresholds are taken from
 * @param guard the guard rail's pending window
 */
public record SequentialEvidence(int share, ErrorTally totals, double stepCanaryRequests,
    RatioState errors, ErrorFloor floor, List<QuantileState> latency,
    CalibrationWindow calibration, ErrorTally guard) {
  public static final SequentialEvidence EMPTY = new SequentialEvidence(0, ErrorTally.EMPTY, 0,
      RatioState.EMPTY, ErrorFloor.EMPTY, List.of(), CalibrationWindow.EMPTY, ErrorTally.EMPTY);

  public SequentialEvidence {
    totals = totals == null ? ErrorTally.EMPTY : totals;
    errors = errors == null ? RatioState.EMPTY : errors;
    floor = floor == null ? ErrorFloor.EMPTY : floor;
    calibration = calibration == null ? CalibrationWindow.EMPTY : calibration;
    guard = guard == null ? ErrorTally.EMPTY : guard;
    // Always one entry per quantile, so readers index without checking.
    List<QuantileState> l = new ArrayList<>(latency == null ? List.of() : latency);
    while (l.size() < LatencyTest.QUANTILES.length) {
      l.add(QuantileState.EMPTY);
    }
    latency = List.copyOf(l);
  }

  QuantileState quantile(int q) {
    return latency.get(q);
  }

  SequentialEvidence withQuantile(int q, QuantileState s) {
    List<QuantileState> l = new ArrayList<>(latency);
    l.set(q, s);
    return new SequentialEvidence(share, totals, stepCanaryRequests, errors, floor, l,
        calibration, guard);
  }

  SequentialEvidence withErrors(RatioState e, ErrorFloor f) {
    return new SequentialEvidence(share, totals, stepCanaryRequests, e, f, latency, calibration,
        guard);
  }

  SequentialEvidence withCalibration(CalibrationWindow c) {
    return new SequentialEvidence(share, totals, stepCanaryRequests, errors, floor, latency, c,
        guard);
  }

  SequentialEvidence withGuard(ErrorTally g) {
    return new SequentialEvidence(share, totals, stepCanaryRequests, errors, floor, latency,
        calibration, g);
  }

  SequentialEvidence withCounts(ErrorTally t, double step) {
    return new SequentialEvidence(share, t, step, errors, floor, latency, calibration, guard);
  }

  SequentialEvidence withShare(int s) {
    return new SequentialEvidence(s, totals, stepCanaryRequests, errors, floor, latency,
        calibration, guard);
  }
}
