package dev.canaryrun.judge;

import static dev.canaryrun.judge.Buckets.input;
import static dev.canaryrun.judge.Buckets.minute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.policy.JudgeSettings;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Points that arrive for a bucket after it was judged: counted once, or reported dropped. */
class LatePointsTest {
  private static final JudgeSettings SETTINGS = JudgeSettings.defaults();
  private final SequentialJudge judge = new SequentialJudge();

  private static List<MetricBucket> minutes(int from, int to, long n, long e) {
    List<MetricBucket> out = new ArrayList<>();
    for (int m = from; m < to; m++) {
      out.add(Buckets.of(m, n, e));
    }
    return out;
  }

  @Test
  void aLatePartIsCountedOnceAndARedeliveredTickAddsNothing() {
    JudgeState s0 = JudgeState.startingAt(minute(0));
    // Minute 0 read first with 700 of its 1,000 canary requests and 14 of its 20 5xx, 900
    // of the stable's 1,000.
    Judgement j1 = judge.judge(s0, SETTINGS, input(List.of(Buckets.of(0, 700, 14)),
        List.of(Buckets.of(0, 900, 9)), 50, 1));
    assertEquals(700, j1.state().evidence().totals().canaryRequests());
    // The next tick re-reads minute 0, now complete, with minute 1.
    JudgeInput second = input(List.of(Buckets.of(0, 1000, 20), Buckets.of(1, 1000, 20)),
        minutes(0, 2, 1000, 10), 50, 2);
    Judgement j2 = judge.judge(j1.state(), SETTINGS, second);
    SequentialEvidence e2 = j2.state().evidence();
    assertEquals(2000, e2.totals().canaryRequests(), "300 late + 1,000 of minute 1");
    assertEquals(40, e2.totals().canaryErrors());
    assertEquals(40, e2.errors().canaryEvents(), "the late 6 5xx reached the errors test");
    assertEquals(2000, e2.totals().stableRequests());
    assertEquals(400, e2.late().countedRequests());
    assertEquals(2000, e2.step().canaryRequests(), "the same step: its traffic too");
    assertEquals(2, e2.step().buckets(), "a late part is not another minute");
    assertTrue(j2.verdict().summary().contains("late points: 400 requests counted this tick"),
        j2.verdict().summary());
    // The same tick again (Pub/Sub redelivers), and a later re-read with nothing new.
    assertEquals(j2.state(), judge.judge(j2.state(), SETTINGS, second).state());
    Judgement j3 = judge.judge(j2.state(), SETTINGS, input(minutes(0, 3, 1000, 20),
        minutes(0, 3, 1000, 10), 50, 3));
    assertEquals(3000, j3.state().evidence().totals().canaryRequests());
    assertEquals(400, j3.state().evidence().late().countedRequests());
  }

  @Test
  void aBucketConsumedEmptyCountsItsPointsWhenTheyArrive() {
    JudgeState s0 = JudgeState.startingAt(minute(0));
    // Minute 0 had no point at all when minute 1 was read: it was consumed empty.
    Judgement j1 = judge.judge(s0, SETTINGS, input(List.of(Buckets.of(1, 500, 5)),
        List.of(Buckets.of(1, 500, 5)), 50, 2));
    assertEquals(minute(2), j1.state().consumedUntil());
    Judgement j2 = judge.judge(j1.state(), SETTINGS, input(minutes(0, 2, 500, 5),
        minutes(0, 2, 500, 5), 50, 2));
    assertEquals(1000, j2.state().evidence().totals().canaryRequests());
    assertEquals(1000, j2.state().evidence().late().countedRequests());
  }

  @Test
  void pointsLaterThanTheLookBackAreReportedDroppedNotCounted() {
    JudgeState s = JudgeState.startingAt(minute(0));
    for (int m = 0; m < 12; m++) {
      s = judge.judge(s, SETTINGS, input(List.of(Buckets.of(m, 500, 5)),
          List.of(Buckets.of(m, 500, 5)), 50, m + 1)).state();
    }
    double before = s.evidence().totals().canaryRequests();
    // 11 minutes after minute 0 was judged, 200 more of its requests turn up.
    List<MetricBucket> canary = new ArrayList<>(List.of(Buckets.of(0, 700, 5)));
    canary.add(Buckets.of(12, 500, 5));
    Judgement j = judge.judge(s, SETTINGS, input(canary,
        List.of(Buckets.of(0, 500, 5), Buckets.of(12, 500, 5)), 50, 13));
    assertEquals(before + 500, j.state().evidence().totals().canaryRequests());
    assertEquals(200, j.state().evidence().late().droppedRequests());
    assertEquals(0, j.state().evidence().late().countedRequests());
    assertTrue(j.verdict().summary().contains("200 dropped (more than 10 min"),
        j.verdict().summary());
    Check errors = j.verdict().checks().stream().filter(c -> c.name().equals("errors"))
        .findFirst().orElseThrow();
    assertEquals(200.0, errors.figures().get("droppedLateRequests"));
    // Seen is seen: the next tick does not report them again.
    List<MetricBucket> later = new ArrayList<>(canary);
    later.add(Buckets.of(13, 500, 5));
    Judgement next = judge.judge(j.state(), SETTINGS, input(later, List.of(Buckets.of(0, 500, 5),
        Buckets.of(12, 500, 5), Buckets.of(13, 500, 5)), 50, 14));
    assertEquals(200, next.state().evidence().late().droppedRequests());
  }

  @Test
  void aLatePartOfAnEarlierStepAddsFailEvidenceOnly() {
    JudgeState s0 = JudgeState.startingAt(minute(0));
    // At 5%: minute 0 read with none of its canary 5xx.
    Judgement j1 = judge.judge(s0, SETTINGS, input(List.of(Buckets.of(0, 100, 0)),
        List.of(Buckets.of(0, 1900, 5)), 5, 1));
    // Now at 20%: minute 0's late points arrive (10 canary 5xx in 10 more requests, 100 more
    // stable requests without a 5xx).
    Judgement j2 = judge.judge(j1.state(), SETTINGS, input(List.of(Buckets.of(0, 110, 10)),
        List.of(Buckets.of(0, 2000, 5)), 20, 1));
    SequentialEvidence e = j2.state().evidence();
    assertEquals(20, e.step().share());
    assertEquals(0, e.step().canaryRequests(), "not this step's traffic");
    assertTrue(e.errors().passLlr().isEmpty(), "not this step's PASS evidence");
    assertNotEquals(j1.state().evidence().errors().failLlr(), e.errors().failLlr());
    assertTrue(e.errors().failLlr().get(0) > 0, "10 canary 5xx against 0 stable: FAIL grows");
    assertEquals(110, e.totals().canaryRequests());
  }

  @Test
  void lateCanaryPointsWaitForTheStablesOfTheSameBucket() {
    JudgeState s0 = JudgeState.startingAt(minute(0));
    Judgement j1 = judge.judge(s0, SETTINGS, input(List.of(Buckets.of(0, 500, 2)),
        List.of(Buckets.of(0, 500, 2)), 50, 1));
    // The canary's late points alone: nothing to compare them with yet, left unseen.
    Judgement j2 = judge.judge(j1.state(), SETTINGS, input(List.of(Buckets.of(0, 600, 12)),
        List.of(Buckets.of(0, 500, 2)), 50, 1));
    assertEquals(500, j2.state().evidence().totals().canaryRequests());
    // The stable's arrive: both are counted as one observation, which is evidence.
    Judgement j3 = judge.judge(j2.state(), SETTINGS, input(List.of(Buckets.of(0, 600, 12)),
        List.of(Buckets.of(0, 600, 2)), 50, 1));
    SequentialEvidence e = j3.state().evidence();
    assertEquals(600, e.totals().canaryRequests());
    assertEquals(12, e.errors().canaryEvents());
    assertTrue(e.errors().failLlr().get(0) > j1.state().evidence().errors().failLlr().get(0));
    // Past the wait, one revision's late points are counted alone (traffic, no evidence).
    JudgeState s = j3.state();
    for (int m = 1; m < 4; m++) {
      s = judge.judge(s, SETTINGS, input(List.of(Buckets.of(0, 600, 12), Buckets.of(m, 500, 2)),
          List.of(Buckets.of(0, 600, 2), Buckets.of(m, 500, 2)), 50, m + 1)).state();
    }
    Judgement late = judge.judge(s, SETTINGS, input(List.of(Buckets.of(0, 700, 12)),
        List.of(Buckets.of(0, 600, 2)), 50, 4));
    assertEquals(s.evidence().totals().canaryRequests() + 100,
        late.state().evidence().totals().canaryRequests());
  }

  @Test
  void aCanaryWhosePointsAreLateIsNotTakenForOneTurnedAway() {
    // 80% of the canary's points show up a minute after the first read, the stable's on
    // time: every first read holds a fifth of the canary's share.
    JudgeState s = JudgeState.startingAt(minute(0));
    for (int m = 0; m < 20; m++) {
      List<MetricBucket> canary = new ArrayList<>(minutes(Math.max(0, m - 5), m, 1500, 7));
      canary.add(Buckets.of(m, 300, 1));
      Judgement j = judge.judge(s, SETTINGS, input(canary, minutes(Math.max(0, m - 5), m + 1,
          1500, 7), 50, m + 1));
      assertFalse(j.verdict().checks().stream().anyMatch(c -> c.name().equals("exposure")),
          j.verdict().summary());
      s = j.state();
    }
  }

  @Test
  void theStoredLookBackStaysBoundedAndSurvivesARoundTrip() {
    JudgeState s = JudgeState.startingAt(minute(0));
    for (int m = 0; m < 60; m++) {
      s = judge.judge(s, SETTINGS, input(minutes(Math.max(0, m - 15), m + 1, 500, 5),
          minutes(Math.max(0, m - 15), m + 1, 500, 5), 50, m + 1)).state();
      assertTrue(s.evidence().late().seen().size() <= 15, "" + s.evidence().late().seen().size());
    }
    SequentialEvidence e = s.evidence();
    assertEquals(e, EvidenceJson.fromMap(EvidenceJson.toMap(e)));
    assertEquals(0, e.late().countedRequests(), "nothing was late");
  }

  @Test
  void aStateStoredBeforeLatePointsWereCountedReCountsNothing() {
    // A rollout judged to minute 10 by a version that kept no look-back.
    JudgeState upgraded = new JudgeState(minute(10), new SequentialEvidence(
        StepTraffic.at(50), ErrorTally.EMPTY, RatioState.EMPTY, ErrorFloor.EMPTY, List.of(),
        CalibrationWindow.EMPTY, ErrorTally.EMPTY, 1, RatioState.EMPTY, null), java.util.Map.of());
    Judgement j = judge.judge(upgraded, SETTINGS, input(minutes(0, 11, 500, 5),
        minutes(0, 11, 500, 5), 50, 11));
    assertEquals(500, j.state().evidence().totals().canaryRequests(), "minute 10 only");
    assertEquals(0, j.state().evidence().late().countedRequests());
  }

  @Test
  void theReadBackCoversTheLookBackAndNoMoreThanTheBucketsKept() {
    assertEquals(java.time.Duration.ofMinutes(15), LateData.readBack(
        java.time.Duration.ofMinutes(1)));
    // One-second buckets (the local demo): 32 of them, not 900 re-read every tick.
    assertEquals(java.time.Duration.ofSeconds(32), LateData.readBack(
        java.time.Duration.ofSeconds(1)));
    // Cloud Run's last points of a minute come up to 60 s (sampling) + 180 s (visibility)
    // after it; the default first read is at 180 s and the look-back counts far beyond.
    assertTrue(LateData.LOOKBACK.compareTo(dev.canaryrun.policy.MetricsSettings
        .CLOUD_RUN_SAMPLING.plus(dev.canaryrun.policy.MetricsSettings.CLOUD_RUN_VISIBILITY))
        > 0);
  }
}
