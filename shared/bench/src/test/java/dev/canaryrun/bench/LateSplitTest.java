package dev.canaryrun.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.judge.LatencyHistogram;
import dev.canaryrun.judge.MetricBucket;
import dev.canaryrun.judge.RequestCounts;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LateSplitTest {
  private static final Instant T = Instant.parse("2025-01-06T10:00:00Z");
  private static final MetricBucket B = new MetricBucket(T, T.plusSeconds(60),
      new RequestCounts(9900, 0, 0, 100), new LatencyHistogram(List.of(100.0, 200.0),
          List.of(5000L, 4000L, 1000L)), OptionalDouble.of(0.4), OptionalDouble.of(0.5));

  @Test
  void thePartsAddUpToTheMinuteAndAboutTheShareIsLate() {
    MetricBucket[] parts = LateSplit.split(new SplittableRandom(3), B,
        new Scenario.Late(0.3, 2, 4));
    assertEquals(5, parts.length);
    assertNull(parts[1], "nothing is 1 minute late when the least is 2");
    MetricBucket sum = parts[0];
    for (int k = 1; k < parts.length; k++) {
      sum = LateSplit.plus(sum, parts, k);
    }
    assertEquals(B.requests(), sum.requests());
    assertEquals(B.latency(), sum.latency());
    double late = B.requests().total() - parts[0].requests().total();
    assertTrue(Math.abs(late / B.requests().total() - 0.3) < 0.03, "late share " + late);
  }

  @Test
  void noLatePointsDrawNothing() {
    SplittableRandom a = new SplittableRandom(5);
    SplittableRandom b = new SplittableRandom(5);
    MetricBucket[] parts = LateSplit.split(a, B, Scenario.Late.NONE);
    assertSame(B, parts[0]);
    assertEquals(b.nextLong(), a.nextLong(), "the scenario's traffic is as before");
  }
}
