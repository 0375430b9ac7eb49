package dev.canaryrun.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExposureCheckTest {
  private static RequestCounts ok(long n) {
    return new RequestCounts(n, 0, 0, 0);
  }

  private static StepTraffic feed(StepTraffic t, long canary, long stable, int buckets) {
    for (int i = 0; i < buckets; i++) {
      t = t.plus(ok(canary), ok(stable));
    }
    return t;
  }

  @Test
  void aCanaryTurnedAwayForFiveMinutesFailsWithItsOwnExplanation() {
    // 20% configured, 3% observed (most of its requests never reach a container).
    StepTraffic t = feed(StepTraffic.at(20), 30, 970, 4);
    assertNull(ExposureCheck.check(t), "four minutes are not enough");
    Check c = ExposureCheck.check(feed(t, 30, 970, 1));
    assertEquals(Outcome.FAIL, c.outcome());
    assertTrue(c.explanation().contains("received 3% of the requests over the last 5 min")
        && c.explanation().contains("configured 20%"), c.explanation());
  }

  @Test
  void bucketsStraddlingASplitChangeDoNotFail() {
    // Two minutes still at the old 5% after the intent moved to 30%, then the split applies.
    StepTraffic t = feed(StepTraffic.at(30), 50, 950, 2);
    t = feed(t, 300, 700, 10);
    assertNull(ExposureCheck.check(t));
    assertEquals(0, t.shortBuckets());
  }

  @Test
  void quietMinutesSayNothing() {
    StepTraffic t = feed(StepTraffic.at(20), 0, 10, 30);
    assertNull(ExposureCheck.check(t));
  }
}
