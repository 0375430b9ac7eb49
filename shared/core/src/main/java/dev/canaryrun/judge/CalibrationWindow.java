package dev.canaryrun.judge;

import java.util.List;

/**
 * Stable latency data consumed since the last threshold was set, from which the next
 * thresholds are taken.
 *
 * @param bounds the stable histogram's bucket bounds (ms); a change of bounds starts over
 * @param counts counts per bucket (bounds + 1 of them) since the last threshold was set;
 *     empty means none yet
 */
public record CalibrationWindow(List<Double> bounds, List<Double> counts) {
  public static final CalibrationWindow EMPTY = new CalibrationWindow(List.of(), List.of());

  public CalibrationWindow {
    bounds = bounds == null ? List.of() : List.copyOf(bounds);
    counts = counts == null ? List.of() : List.copyOf(counts);
  }

  double count(int i) {
    return i < counts.size() ? counts.get(i) : 0.0;
  }
}
