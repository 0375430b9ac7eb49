package dev.canaryrun.gcp.monitoring;

import com.google.api.Distribution;
import com.google.api.Distribution.BucketOptions;
import dev.canaryrun.judge.LatencyHistogram;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cloud Monitoring distributions in the judge's explicit-bounds form. Monitoring numbers
 * buckets 0 (underflow) .. N+1 (overflow) for N finite buckets, so every layout has N+1
 * finite boundaries and N+2 counts:
 * <ul>
 *   <li>linear: boundary i = offset + width * i, i = 0..N;
 *   <li>exponential: boundary i = scale * growth^i, i = 0..N (bucket i covers
 *       [scale*growth^(i-1), scale*growth^i));
 *   <li>explicit: the bounds as given.
 * </ul>
 * Monitoring drops trailing empty buckets from {@code bucket_counts}; they are zeros here.
 */
final class Distributions {

  private Distributions() {}

  static LatencyHistogram toHistogram(Distribution d) {
    List<Double> bounds = bounds(d.getBucketOptions());
    int n = bounds.size() + 1;
    if (d.getBucketCountsCount() > n) {
      throw new IllegalArgumentException("distribution has " + d.getBucketCountsCount()
          + " bucket counts but its bucket options define " + n + " buckets");
    }
    if (d.getBucketCountsCount() == 0 && d.getCount() > 0) {
      throw new IllegalArgumentException("distribution of " + d.getCount()
          + " values has no bucket counts");
    }
    List<Long> counts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      counts.add(i < d.getBucketCountsCount() ? d.getBucketCounts(i) : 0L);
    }
    return new LatencyHistogram(bounds, counts);
  }

  /**
   * Bounds by bucket options: a metric's options are the same in every point, so the buckets of
   * a long read (a backtest's weeks of minutes) share one immutable list instead of a hundred
   * boxed doubles each ({@link LatencyHistogram} keeps an immutable list as given).
   */
  private static final Map<BucketOptions, List<Double>> BOUNDS = new ConcurrentHashMap<>();
  private static final int MAX_CACHED = 256;

  static List<Double> bounds(BucketOptions o) {
    List<Double> known = BOUNDS.get(o);
    if (known != null) {
      return known;
    }
    List<Double> out = List.copyOf(computeBounds(o));
    if (BOUNDS.size() >= MAX_CACHED) {
      BOUNDS.clear(); // options are few in practice; never grow without bound
    }
    BOUNDS.put(o, out);
    return out;
  }

  private static List<Double> computeBounds(BucketOptions o) {
    List<Double> out = new ArrayList<>();
    switch (o.getOptionsCase()) {
      case LINEAR_BUCKETS -> {
        BucketOptions.Linear l = o.getLinearBuckets();
        for (int i = 0; i <= l.getNumFiniteBuckets(); i++) {
          out.add(l.getOffset() + l.getWidth() * i);
        }
      }
      case EXPONENTIAL_BUCKETS -> {
        BucketOptions.Exponential e = o.getExponentialBuckets();
        for (int i = 0; i <= e.getNumFiniteBuckets(); i++) {
          out.add(e.getScale() * Math.pow(e.getGrowthFactor(), i));
        }
      }
      case EXPLICIT_BUCKETS -> out.addAll(o.getExplicitBuckets().getBoundsList());
      default -> { } // no histogram: a single bucket
    }
    return out;
  }

  /**
   * The p-th percentile (0..100) estimated the way Monitoring's ALIGN_PERCENTILE_nn does:
   * locate the bucket holding the rank and interpolate linearly inside it. In the overflow
   * bucket, which has no upper bound, the answer is its lower bound.
   */
  static double percentile(Distribution d, double p) {
    LatencyHistogram h = toHistogram(d);
    long total = h.total();
    if (total == 0) {
      return 0;
    }
    double rank = p / 100 * total;
    long seen = 0;
    List<Double> b = h.bounds();
    for (int i = 0; i < h.counts().size(); i++) {
      long c = h.counts().get(i);
      if (c == 0) {
        continue;
      }
      if (seen + c >= rank) {
        if (i == h.counts().size() - 1) {
          return b.isEmpty() ? d.getMean() : b.get(b.size() - 1);
        }
        double hi = b.get(i);
        double lo = i == 0 ? Math.min(0, hi) : b.get(i - 1);
        return lo + (hi - lo) * (rank - seen) / c;
      }
      seen += c;
    }
    return b.isEmpty() ? d.getMean() : b.get(b.size() - 1);
  }
}
