package dev.canaryrun.judge;

import java.util.List;

/**
 * Latency thresholds taken from the stable revision's histogram, and what a slowdown of the
 * policy's size does to the share of requests above each.
 *
 * <p>Validity: a threshold must not depend on the data it is then tested on, or the stable
 * revision's exceedances stop being random. The judge therefore calibrates once, from the
 * stable buckets of the first tick that has enough stable traffic, freezes the thresholds
 * in its state, and tests only buckets consumed after them. Each threshold is a histogram
 * boundary (the one whose cumulative share is nearest the quantile), so exceedances are
 * whole-bucket counts, exact for both revisions, with no interpolation in the test itself.
 */
public final class LatencyThresholds {
  /** Stable requests needed before the thresholds are taken. */
  public static final long MIN_CALIBRATION_REQUESTS = 100;

  private LatencyThresholds() {}

  /**
   * The boundary whose cumulative stable share is nearest {@code quantile}, among those with
   * at least one stable request at or above it; NaN when the histogram has none.
   */
  public static double boundaryNear(LatencyHistogram h, double quantile) {
    long total = h.total();
    if (total == 0 || h.bounds().isEmpty()) {
      return Double.NaN;
    }
    List<Double> bounds = h.bounds();
    List<Long> counts = h.counts();
    double best = Double.NaN;
    double bestGap = Double.POSITIVE_INFINITY;
    long below = 0;
    for (int i = 0; i < bounds.size(); i++) {
      below += counts.get(i); // requests below bounds[i]
      if (below >= total) {
        break;
      }
      double gap = Math.abs((double) below / total - quantile);
      if (gap < bestGap) {
        bestGap = gap;
        best = bounds.get(i);
      }
    }
    return best;
  }

  /**
   * Share of requests at or above {@code t}, interpolating log-linearly inside the bucket
   * that holds {@code t} (latency buckets are exponential, so log-linear is the natural
   * reading); the underflow bucket is read linearly from 0.
   */
  public static double survival(LatencyHistogram h, double t) {
    long total = h.total();
    if (total == 0) {
      return Double.NaN;
    }
    List<Double> b = h.bounds();
    List<Long> c = h.counts();
    double above = 0;
    for (int i = 0; i < c.size(); i++) {
      double lo = i == 0 ? 0.0 : b.get(i - 1);
      double hi = i == b.size() ? Double.POSITIVE_INFINITY : b.get(i);
      long n = c.get(i);
      if (n == 0 || hi <= t) {
        continue;
      }
      if (lo >= t) {
        above += n;
      } else if (Double.isInfinite(hi)) {
        above += n; // overflow bucket: no upper bound to interpolate against
      } else if (lo <= 0) {
        above += n * (hi - t) / hi;
      } else {
        above += n * Math.log(hi / t) / Math.log(hi / lo);
      }
    }
    return above / total;
  }

  /**
   * How many times more requests would exceed {@code threshold} if every request were
   * {@code 1 + increase} times slower: S(threshold / (1+increase)) / S(threshold), read from
   * the stable histogram; clamped to [1.05, 50] so that the PASS test always has a
   * non-trivial null (a ratio of 1 would ask the canary to be strictly faster).
   */
  public static double ratioForSlowdown(LatencyHistogram h, double threshold, double increase) {
    double at = survival(h, threshold);
    double slowed = survival(h, threshold / (1 + increase));
    if (!(at > 0)) {
      return 50.0;
    }
    return Math.max(1.05, Math.min(50.0, slowed / at));
  }
}
