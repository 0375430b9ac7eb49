package dev.canaryrun.judge;

import java.util.List;

/**
 * Latency thresholds taken from the stable revision's histogram, and what a slowdown of the
 * policy's size does to the share of requests above each.
 *
 * <p>Validity: a threshold must not depend on the data it is then tested on, or the stable
 * revision's exceedances stop being random. The judge therefore sets each threshold from
 * stable buckets it has already consumed, stores it in its state, and tests only buckets
 * consumed after it was set. Each threshold is a histogram boundary, so exceedances are
 * whole-bucket counts, exact for both revisions, with no interpolation in the test itself.
 *
 * <p>Sample size: the threshold for quantile q is taken once at least
 * {@link #minCalibrationRequests(double)} = 10/(1-q) stable requests are in the sample (p50:
 * 20, p90: 100, p99: 1,000), so that about ten requests lie above it: a p99 taken from 100
 * requests is decided by its one or two slowest, and a stall or two among them puts it where
 * almost no later request goes (see {@link #isFarBelowNominal} for the repair).
 */
public final class LatencyThresholds {
  /** Stable requests needed before the p90 threshold is taken (10 / (1 - 0.9)). */
  public static final long MIN_CALIBRATION_REQUESTS = 100;
  /** Expected stable requests above a threshold before it is set or re-examined. */
  static final double EXPECTED_EXCEEDANCES = 10;
  /**
   * A threshold whose stable exceedance share, over later data, is below this fraction of
   * the nominal 1-q is re-taken: with >= 10 expected exceedances, seeing fewer than 2.5 has
   * probability below 0.3% when the threshold is right.
   */
  static final double FAR_BELOW = 0.25;

  private LatencyThresholds() {}

  /** Stable requests needed before quantile {@code q}'s threshold is set: ceil(10/(1-q)). */
  public static long minCalibrationRequests(double q) {
    return (long) Math.ceil(EXPECTED_EXCEEDANCES / (1 - q) - 1e-9);
  }

  /**
   * Whether {@code exceedances} of {@code requests} stable requests above quantile {@code q}'s
   * threshold, all consumed after the threshold was set, show it sits far in the tail of what
   * it was meant to be (share < {@link #FAR_BELOW} x (1-q)), once there are enough requests
   * to tell ({@link #minCalibrationRequests}). Its tests then gather almost no evidence, so
   * the judge re-takes it from later stable data.
   */
  public static boolean isFarBelowNominal(double q, double exceedances, double requests) {
    return requests >= minCalibrationRequests(q)
        && exceedances < FAR_BELOW * (1 - q) * requests;
  }

  /**
   * The boundary whose cumulative stable share F is nearest {@code quantile} on the log-odds
   * scale (|logit F - logit q| smallest), among those with at least one stable request at or
   * above it; NaN when the histogram has none. Log-odds, not |F - q|: for a tail quantile a
   * boundary with 1.7% above it is a far better stand-in for p99 than one with 0.26% above
   * it (ratio 1.7 against 3.8), though both are 0.7 points from 99%, and it gives the tests
   * six times the evidence.
   */
  public static double boundaryNear(LatencyHistogram h, double quantile) {
    long total = h.total();
    if (total == 0 || h.bounds().isEmpty()) {
      return Double.NaN;
    }
    List<Double> bounds = h.bounds();
    List<Long> counts = h.counts();
    double target = logit(quantile);
    double half = 0.5 / total; // keeps an empty side finite
    double best = Double.NaN;
    double bestGap = Double.POSITIVE_INFINITY;
    long below = 0;
    for (int i = 0; i < bounds.size(); i++) {
      below += counts.get(i); // requests below bounds[i]
      if (below >= total) {
        break;
      }
      double f = Math.max(half, Math.min(1 - half, (double) below / total));
      double gap = Math.abs(logit(f) - target);
      if (gap < bestGap) {
        bestGap = gap;
        best = bounds.get(i);
      }
    }
    return best;
  }

  private static double logit(double p) {
    return Math.log(p / (1 - p));
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
