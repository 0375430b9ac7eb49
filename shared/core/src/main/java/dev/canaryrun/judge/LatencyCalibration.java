package dev.canaryrun.judge;

import dev.canaryrun.policy.JudgeSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * Sets and moves the latency thresholds. Adds a consumed stable bucket to the calibration
 * window (stable data since the last threshold was set), then sets each quantile's threshold
 * once the window holds {@link LatencyThresholds#minCalibrationRequests} requests for it, and
 * re-takes a threshold whose later stable exceedance share is far below nominal
 * ({@link LatencyThresholds#isFarBelowNominal}). Any change empties the window, so a
 * threshold is always taken from stable data consumed after every threshold it replaces
 * (which is what keeps the tests valid, see {@link SequentialJudge}).
 */
final class LatencyCalibration {
  private LatencyCalibration() {}

  static SequentialEvidence calibrate(SequentialEvidence e, JudgeSettings s,
      LatencyHistogram hs) {
    if (hs.total() == 0 || hs.bounds().isEmpty()) {
      return e;
    }
    int n = hs.bounds().size();
    CalibrationWindow w = e.calibration();
    if (!w.bounds().equals(hs.bounds())) { // first sample, or the metric's buckets changed
      w = new CalibrationWindow(hs.bounds(), List.of());
    }
    long total = 0;
    List<Double> sums = new ArrayList<>(n + 1);
    List<Long> counts = new ArrayList<>(n + 1);
    for (int i = 0; i <= n; i++) {
      long add = hs.counts().get(i);
      double c = add != 0 ? w.count(i) + add : w.count(i);
      sums.add(c);
      counts.add((long) c);
      total += (long) c;
    }
    LatencyHistogram sample = new LatencyHistogram(hs.bounds(), counts);
    boolean changed = false;
    for (int q = 0; q < LatencyTest.QUANTILES.length; q++) {
      double quantile = LatencyTest.QUANTILES[q];
      if (total < LatencyThresholds.minCalibrationRequests(quantile)) {
        continue;
      }
      QuantileState st = e.quantile(q);
      boolean set = st.calibrated();
      double current = st.thresholdMs();
      if (set && !(current > 0 && LatencyThresholds.isFarBelowNominal(quantile, st.sinceX(),
          st.sinceN()))) {
        continue;
      }
      double t = LatencyThresholds.boundaryNear(sample, quantile);
      boolean usable = !Double.isNaN(t) && t > 0 && !takenByAnother(e, q, t);
      st = st.withSince(0, 0);
      if (set && (!usable || t == current)) {
        e = e.withQuantile(q, st);
        continue; // nothing better to move to: look again after as many requests
      }
      double ratio = usable
          ? LatencyThresholds.ratioForSlowdown(sample, t, s.minimumLatencyIncrease()) : 0.0;
      RatioState test = st.test();
      double recalibrations = st.recalibrations();
      if (set) {
        // The PASS null is about the old threshold: start this step's PASS evidence afresh.
        // The FAIL e-process carries on (see SequentialJudge: thresholds are predictable).
        test = RatioTest.resetPass(test);
        recalibrations += 1;
      }
      e = e.withQuantile(q, new QuantileState(true, usable ? t : 0.0, ratio, 0, 0,
          recalibrations, test));
      changed = true;
    }
    return e.withCalibration(changed ? new CalibrationWindow(hs.bounds(), List.of())
        : new CalibrationWindow(hs.bounds(), sums));
  }

  /** Whether another quantile already tests at {@code t} (a duplicate adds nothing). */
  private static boolean takenByAnother(SequentialEvidence e, int q, double t) {
    for (int o = 0; o < LatencyTest.QUANTILES.length; o++) {
      if (o != q && e.quantile(o).thresholdMs() == t) {
        return true;
      }
    }
    return false;
  }
}
