package dev.canaryrun.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyHistogramQuantileTest {
  // [<10) 10, [10,20) 20, [20,40) 60, [>=40) 10: 100 requests.
  private final LatencyHistogram h = new LatencyHistogram(List.of(10.0, 20.0, 40.0),
      List.of(10L, 20L, 60L, 10L));

  @Test
  void interpolatesInsideTheBucketHoldingTheRank() {
    assertEquals(5.0, h.quantile(0.05), 1e-9); // rank 5 of the 10 in [0, 10)
    assertEquals(15.0, h.quantile(0.20), 1e-9); // rank 20: half of [10, 20)
    assertEquals(30.0, h.quantile(0.60), 1e-9); // rank 60: half of [20, 40)
    assertEquals(40.0, h.quantile(0.90), 1e-9); // rank 90: the top of [20, 40)
  }

  @Test
  void theOverflowBucketGivesItsLowerBoundOnly() {
    assertEquals(40.0, h.quantile(0.99), 1e-9);
    assertEquals(40.0, h.quantile(1.0), 1e-9);
  }

  @Test
  void emptyIsNaNAndOutOfRangeIsRefused() {
    assertTrue(Double.isNaN(LatencyHistogram.EMPTY.quantile(0.5)));
    assertThrows(IllegalArgumentException.class, () -> h.quantile(1.5));
    assertThrows(IllegalArgumentException.class, () -> h.quantile(Double.NaN));
  }

  @Test
  void skipsEmptyBuckets() {
    LatencyHistogram gap = new LatencyHistogram(List.of(10.0, 20.0, 40.0),
        List.of(0L, 0L, 4L, 0L));
    assertEquals(20.0, gap.quantile(0.0), 1e-9);
    assertEquals(30.0, gap.quantile(0.5), 1e-9);
  }
}
