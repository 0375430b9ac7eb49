package dev.canaryrun.judge;

import java.util.List;

/**
 * A latency distribution in Cloud Monitoring's explicit-bucket form: {@code bounds} are N
 * strictly increasing finite boundaries in milliseconds and {@code counts} has N+1 entries:
 * counts[0] is below bounds[0] (underflow), counts[i] is [bounds[i-1], bounds[i]), counts[N]
 * is at or above bounds[N-1] (overflow). Exponential and linear bucket options are converted
 * to this form by the reader.
 */
public record LatencyHistogram(List<Double> bounds, List<Long> counts) {
  public static final LatencyHistogram EMPTY = new LatencyHistogram(List.of(), List.of(0L));

  public LatencyHistogram {
    bounds = List.copyOf(bounds);
    counts = List.copyOf(counts);
    if (counts.size() != bounds.size() + 1) {
      throw new IllegalArgumentException("a histogram with " + bounds.size()
          + " bounds needs " + (bounds.size() + 1) + " counts, got " + counts.size());
    }
    for (int i = 1; i < bounds.size(); i++) {
      if (!(bounds.get(i) > bounds.get(i - 1))) {
        throw new IllegalArgumentException("histogram bounds must increase: " + bounds);
      }
    }
    for (long c : counts) {
      if (c < 0) {
        throw new IllegalArgumentException("histogram counts must be >= 0: " + counts);
      }
    }
  }

  public long total() {
    long t = 0;
    for (long c : counts) {
      t += c;
    }
    return t;
  }

  /** Requests at or above {@code thresholdMs}, counting only whole buckets (conservative). */
  public long countAtOrAbove(double thresholdMs) {
    long n = 0;
    for (int i = 0; i < counts.size(); i++) {
      double lower = i == 0 ? Double.NEGATIVE_INFINITY : bounds.get(i - 1);
      if (lower >= thresholdMs) {
        n += counts.get(i);
      }
    }
    return n;
  }

  /**
   * The {@code q}-quantile in milliseconds, interpolated linearly inside its bucket as Cloud
   * Monitoring's percentile aligners do (the underflow bucket starts at 0; in the overflow
   * bucket only its lower bound is known, and that is what is returned). NaN when empty.
   * For pictures (the dashboard), not for judging: the judge counts whole buckets.
   */
  public double quantile(double q) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("quantile must be in [0, 1], got " + q);
    }
    long total = total();
    if (total == 0) {
      return Double.NaN;
    }
    double rank = q * total;
    long seen = 0;
    for (int i = 0; i < counts.size(); i++) {
      long c = counts.get(i);
      if (c > 0 && seen + c >= rank) {
        if (i == bounds.size()) {
          return bounds.isEmpty() ? Double.NaN : bounds.get(i - 1);
        }
        double lower = i == 0 ? 0 : bounds.get(i - 1);
        double upper = bounds.get(i);
        return lower + (upper - lower) * Math.max(0, rank - seen) / c;
      }
      seen += c;
    }
    return bounds.isEmpty() ? Double.NaN : bounds.get(bounds.size() - 1);
  }

  /** Bucket-wise sum; both histograms must share bounds (the same metric always does). */
  public LatencyHistogram plus(LatencyHistogram o) {
    if (o.total() == 0 && o.bounds.isEmpty()) {
      return this;
    }
    if (total() == 0 && bounds.isEmpty()) {
      return o;
    }
    if (!bounds.equals(o.bounds)) {
      throw new IllegalArgumentException("cannot add histograms with different bounds");
    }
    Long[] sum = new Long[counts.size()];
    for (int i = 0; i < sum.length; i++) {
      sum[i] = counts.get(i) + o.counts.get(i);
    }
    return new LatencyHistogram(bounds, List.of(sum));
  }
}
