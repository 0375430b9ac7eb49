package dev.canaryrun.judge;

/**
 * One latency quantile's threshold and test.
 *
 * @param calibrated whether its threshold has been taken from stable data yet
 * @param thresholdMs the histogram boundary tested; 0 once calibrated means disabled (it fell
 *     on another quantile's boundary, and a duplicate test adds nothing)
 * @param ratio the exceedance ratio the policy's slowdown produces at the threshold
 * @param sinceN stable requests since the threshold was set or last examined
 * @param sinceX of those, the ones at or above the threshold
 * @param recalibrations times the threshold was re-taken
 * @param test the ratio test on counts of requests at or above the threshold
 */
public record QuantileState(boolean calibrated, double thresholdMs, double ratio, double sinceN,
    double sinceX, double recalibrations, RatioState test) {
  public static final QuantileState EMPTY = new QuantileState(false, 0, 0, 0, 0, 0,
      RatioState.EMPTY);

  public QuantileState {
    test = test == null ? RatioState.EMPTY : test;
  }

  QuantileState withTest(RatioState t) {
    return new QuantileState(calibrated, thresholdMs, ratio, sinceN, sinceX, recalibrations, t);
  }

  QuantileState withSince(double n, double x) {
    return new QuantileState(calibrated, thresholdMs, ratio, n, x, recalibrations, test);
  }
}
