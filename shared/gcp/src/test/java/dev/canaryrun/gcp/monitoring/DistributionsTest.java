package dev.canaryrun.gcp.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.api.Distribution;
import com.google.api.Distribution.BucketOptions;
import dev.canaryrun.judge.LatencyHistogram;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Distribution -> LatencyHistogram against hand-computed bounds. */
class DistributionsTest {

  @Test
  void exponentialBucketBoundsAreScaleTimesGrowthToTheI() {
    // N = 3 finite buckets, growth 1.4, scale 1: bounds 1, 1.4, 1.96, 2.744 (by hand), so
    // buckets: (-inf,1) [1,1.4) [1.4,1.96) [1.96,2.744) [2.744,+inf).
    Distribution d = Distribution.newBuilder().setCount(6)
        .setBucketOptions(BucketOptions.newBuilder().setExponentialBuckets(
            BucketOptions.Exponential.newBuilder()
                .setNumFiniteBuckets(3).setGrowthFactor(1.4).setScale(1)))
        .addAllBucketCounts(List.of(1L, 0L, 2L, 3L)) // overflow omitted: trailing zero
        .build();

    LatencyHistogram h = Distributions.toHistogram(d);

    double[] expected = {1.0, 1.4, 1.96, 2.744};
    assertEquals(expected.length, h.bounds().size());
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], h.bounds().get(i), 1e-12, "bound " + i);
    }
    assertEquals(List.of(1L, 0L, 2L, 3L, 0L), h.counts());
  }

  @Test
  void exponentialWithScaleAndGrowthTwo() {
    Distribution d = Distribution.newBuilder().setCount(10)
        .setBucketOptions(BucketOptions.newBuilder().setExponentialBuckets(
            BucketOptions.Exponential.newBuilder()
                .setNumFiniteBuckets(4).setGrowthFactor(2).setScale(0.5)))
        .addAllBucketCounts(List.of(0L, 1L, 2L, 3L, 0L, 4L))
        .build();
    LatencyHistogram h = Distributions.toHistogram(d);
    assertEquals(List.of(0.5, 1.0, 2.0, 4.0, 8.0), h.bounds());
    assertEquals(List.of(0L, 1L, 2L, 3L, 0L, 4L), h.counts());
    assertEquals(4, h.countAtOrAbove(8.0)); // the overflow bucket starts at scale*2^4
  }

  @Test
  void linearBucketBoundsAreOffsetPlusWidthTimesI() {
    Distribution d = Distribution.newBuilder().setCount(3)
        .setBucketOptions(BucketOptions.newBuilder().setLinearBuckets(
            BucketOptions.Linear.newBuilder().setNumFiniteBuckets(3).setWidth(10).setOffset(5)))
        .addAllBucketCounts(List.of(1L, 0L, 2L))
        .build();
    LatencyHistogram h = Distributions.toHistogram(d);
    assertEquals(List.of(5.0, 15.0, 25.0, 35.0), h.bounds());
    assertEquals(List.of(1L, 0L, 2L, 0L, 0L), h.counts());
  }

  @Test
  void explicitBoundsAreTakenAsGiven() {
    Distribution d = Distribution.newBuilder().setCount(7)
        .setBucketOptions(BucketOptions.newBuilder().setExplicitBuckets(
            BucketOptions.Explicit.newBuilder().addAllBounds(List.of(100.0, 250.0, 500.0))))
        .addAllBucketCounts(List.of(4L, 2L, 0L, 1L))
        .build();
    LatencyHistogram h = Distributions.toHistogram(d);
    assertEquals(List.of(100.0, 250.0, 500.0), h.bounds());
    assertEquals(List.of(4L, 2L, 0L, 1L), h.counts());
    assertEquals(1, h.countAtOrAbove(500));
  }

  @Test
  void anEmptyDistributionIsAllZeros() {
    Distribution d = Distribution.newBuilder()
        .setBucketOptions(BucketOptions.newBuilder().setExplicitBuckets(
            BucketOptions.Explicit.newBuilder().addAllBounds(List.of(1.0, 2.0))))
        .build();
    assertEquals(List.of(0L, 0L, 0L), Distributions.toHistogram(d).counts());
  }

  @Test
  void moreCountsThanBucketsIsRejected() {
    Distribution d = Distribution.newBuilder().setCount(3)
        .setBucketOptions(BucketOptions.newBuilder().setExplicitBuckets(
            BucketOptions.Explicit.newBuilder().addBounds(1.0)))
        .addAllBucketCounts(List.of(1L, 1L, 1L))
        .build();
    assertThrows(IllegalArgumentException.class, () -> Distributions.toHistogram(d));
  }

  @Test
  void percentileInterpolatesInsideTheBucketHoldingTheRank() {
    // 100 values: 50 in [0, 0.1), 50 in [0.5, 0.6) (linear width 0.1 from 0).
    Distribution.Builder d = Distribution.newBuilder().setCount(100)
        .setBucketOptions(BucketOptions.newBuilder().setLinearBuckets(
            BucketOptions.Linear.newBuilder().setNumFiniteBuckets(10).setWidth(0.1)));
    d.addAllBucketCounts(List.of(0L, 50L, 0L, 0L, 0L, 0L, 50L));
    // rank 99 of 100: 49 into the upper bucket's 50 -> 0.5 + 0.1 * 49/50.
    assertEquals(0.598, Distributions.percentile(d.build(), 99), 1e-9);
  }
}
