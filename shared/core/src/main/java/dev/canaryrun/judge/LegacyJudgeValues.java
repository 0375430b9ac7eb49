package dev.canaryrun.judge;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a judge state stored before the evidence was typed: one flat map of named numbers
 * ({@code "err_fail_llr_0"}, {@code "lat_p99_threshold_ms"}, {@code "lat_cal_b_3"}, booleans
 * as 1.0). Rollouts in flight when canaryrun is upgraded carry such documents, and their
 * evidence must survive the upgrade. Names the old judge wrote become typed fields; any other
 * name stays a named number of another judge.
 */
public final class LegacyJudgeValues {
  private final Map<String, Double> left;

  private LegacyJudgeValues(Map<String, Double> values) {
    this.left = new HashMap<>(values);
  }

  /** The state an old document describes. */
  public static JudgeState read(Instant consumedUntil, Map<String, Double> values) {
    LegacyJudgeValues r = new LegacyJudgeValues(values);
    SequentialEvidence e = r.evidence();
    return new JudgeState(consumedUntil, e, r.left);
  }

  private SequentialEvidence evidence() {
    ErrorTally totals = new ErrorTally(take("canary_requests"), take("canary_errors"),
        take("stable_requests"), take("stable_errors"));
    int share = (int) take("share");
    double step = take("step_canary_requests");
    RatioState errors = ratio("err", ErrorTest.ALTERNATIVES.length);
    ErrorFloor floor = new ErrorFloor(take("err_floor_llr"), take("err_floor_done") > 0);
    List<QuantileState> latency = new ArrayList<>();
    for (String q : LatencyTest.NAMES) {
      String k = "lat_" + q;
      latency.add(new QuantileState(take(k + "_calibrated") > 0, take(k + "_threshold_ms"),
          take(k + "_ratio"), take(k + "_since_n"), take(k + "_since_x"),
          take(k + "_recalibrations"), ratio(k, LatencyTest.ALTERNATIVES.length)));
    }
    int size = (int) take("lat_cal_size");
    List<Double> bounds = new ArrayList<>();
    List<Double> counts = new ArrayList<>();
    boolean anyCount = false;
    for (int i = 0; i < size; i++) {
      bounds.add(take("lat_cal_b_" + i));
    }
    for (int i = 0; i <= size && size > 0; i++) {
      anyCount |= left.containsKey("lat_cal_c_" + i);
      counts.add(take("lat_cal_c_" + i));
    }
    CalibrationWindow cal = new CalibrationWindow(bounds, anyCount ? counts : List.of());
    ErrorTally guard = new ErrorTally(take("guard_canary_requests"),
        take("guard_canary_errors"), take("guard_stable_requests"), take("guard_stable_errors"));
    // The old judge kept no per-step stable count, bucket count or canary start: the step's
    // rates are re-learnt from the next bucket, and the latency warm-up is taken as over.
    return new SequentialEvidence(new StepTraffic(share, step, 0, 0, 0, 0, 0), totals, errors,
        floor, latency, cal, guard, 1, RatioState.EMPTY, LateData.EMPTY);
  }

  private RatioState ratio(String key, int alternatives) {
    return new RatioState(list(key + "_fail_llr_", alternatives),
        list(key + "_pass_llr_", RatioTest.PASS_WEIGHTS.length), take(key + "_pass_done") > 0,
        take(key + "_canary_events"), take(key + "_stable_events"), take(key + "_canary_n"),
        take(key + "_stable_n"));
  }

  /** {@code prefix0..prefix(n-1)}; empty when none was stored, as the typed judge keeps it. */
  private List<Double> list(String prefix, int n) {
    List<Double> out = new ArrayList<>();
    boolean any = false;
    for (int i = 0; i < n; i++) {
      any |= left.containsKey(prefix + i);
      out.add(take(prefix + i));
    }
    return any ? out : List.of();
  }

  /** The named number (0 when absent, as the old judge read it), consumed. */
  private double take(String name) {
    Double d = left.remove(name);
    return d == null ? 0.0 : d;
  }
}
