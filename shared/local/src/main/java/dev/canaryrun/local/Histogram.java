package dev.canaryrun.local;

import com.google.api.Distribution;
import com.google.api.Distribution.BucketOptions;

/**
 * A mutable distribution accumulator with Cloud Monitoring bucket semantics: bucket 0 is
 * the underflow, buckets 1..N the finite ones, N+1 the overflow. Mean and squared
 * deviation are merged exactly (Chan et al.), so summing series bucket-wise loses nothing.
 */
final class Histogram {

  /** How values map to buckets; both layouts Cloud Monitoring supports that we need. */
  interface Layout {
    BucketOptions options();

    int finiteBuckets();

    /** The bucket its closed-form formula gives (0 below the first bound), unrounded. */
    int estimate(double value);

    /** Lower bound of bucket i (1..N+1); the underflow's lower bound is 0 here. */
    double lower(int i);

    double upper(int i);

    /** The bucket of {@code value}; a value on a boundary lands in the upper bucket. */
    default int index(double value) {
      int i = estimate(value);
      if (i == 0) {
        return 0;
      }
      // The formula's floating point can be one bucket off right at a boundary.
      while (i > 1 && value < lower(i)) {
        i--;
      }
      while (i <= finiteBuckets() && value >= upper(i)) {
        i++;
      }
      return Math.min(i, finiteBuckets() + 1);
    }
  }

  /** Exponential buckets [scale*g^(i-1), scale*g^i). */
  record Exponential(int finiteBuckets, double growth, double scale) implements Layout {
    @Override
    public BucketOptions options() {
      return BucketOptions.newBuilder().setExponentialBuckets(
          BucketOptions.Exponential.newBuilder().setNumFiniteBuckets(finiteBuckets)
              .setGrowthFactor(growth).setScale(scale)).build();
    }

    @Override
    public int estimate(double v) {
      return v < scale ? 0 : (int) Math.floor(Math.log(v / scale) / Math.log(growth)) + 1;
    }

    @Override
    public double lower(int i) {
      return i == 0 ? 0 : scale * Math.pow(growth, i - 1);
    }

    @Override
    public double upper(int i) {
      return i > finiteBuckets ? Double.POSITIVE_INFINITY : scale * Math.pow(growth, i);
    }
  }

  /** Linear buckets [offset + w*(i-1), offset + w*i). */
  record Linear(int finiteBuckets, double width, double offset) implements Layout {
    @Override
    public BucketOptions options() {
      return BucketOptions.newBuilder().setLinearBuckets(
          BucketOptions.Linear.newBuilder().setNumFiniteBuckets(finiteBuckets)
              .setWidth(width).setOffset(offset)).build();
    }

    @Override
    public int estimate(double v) {
      return v < offset ? 0 : (int) Math.floor((v - offset) / width) + 1;
    }

    @Override
    public double lower(int i) {
      return i == 0 ? Math.min(0, offset) : offset + width * (i - 1);
    }

    @Override
    public double upper(int i) {
      return i > finiteBuckets ? Double.POSITIVE_INFINITY : offset + width * i;
    }
  }

  private final Layout layout;
  private final long[] counts;
  private long count;
  private double mean;
  private double m2;

  Histogram(Layout layout) {
    this.layout = layout;
    this.counts = new long[layout.finiteBuckets() + 2];
  }

  void add(double value) {
    add(value, 1);
  }

  /** {@code weight} observations of {@code value} (a batch: merged exactly, as one bucket). */
  void add(double value, long weight) {
    counts[layout.index(value)] += weight;
    long n = count + weight;
    double delta = value - mean;
    mean += delta * weight / n;
    m2 += delta * delta * count * weight / n;
    count = n;
  }

  void merge(Histogram other) {
    if (other.count == 0) {
      return;
    }
    for (int i = 0; i < counts.length; i++) {
      counts[i] += other.counts[i];
    }
    long n = count + other.count;
    double delta = other.mean - mean;
    mean += delta * other.count / n;
    m2 += other.m2 + delta * delta * count * other.count / n;
    count = n;
  }

  long count() {
    return count;
  }

  double mean() {
    return mean;
  }

  /**
   * The p-th percentile (0..100) the way Monitoring estimates it from a histogram: find the
   * bucket holding the rank, interpolate linearly inside it.
   */
  double percentile(double p) {
    if (count == 0) {
      return 0;
    }
    double rank = p / 100 * count;
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] == 0) {
        continue;
      }
      if (seen + counts[i] >= rank) {
        double lo = layout.lower(i);
        double hi = layout.upper(i);
        if (Double.isInfinite(hi)) {
          return lo;
        }
        return lo + (hi - lo) * (rank - seen) / counts[i];
      }
      seen += counts[i];
    }
    return layout.lower(counts.length - 1);
  }

  /** As a Distribution; trailing empty buckets are dropped, as the real API does. */
  Distribution toDistribution() {
    Distribution.Builder d = Distribution.newBuilder()
        .setCount(count).setMean(mean).setSumOfSquaredDeviation(Math.max(0, m2))
        .setBucketOptions(layout.options());
    int last = counts.length - 1;
    while (last >= 0 && counts[last] == 0) {
      last--;
    }
    for (int i = 0; i <= last; i++) {
      d.addBucketCounts(counts[i]);
    }
    return d.build();
  }
}
