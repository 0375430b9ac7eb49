package dev.canaryrun.backtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.judge.LatencyHistogram;
import dev.canaryrun.judge.MetricBucket;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.RequestCounts;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.port.MetricsReader.RevisionKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalDouble;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ReplayTest {
  static final Instant T0 = Instant.parse("2026-11-16T10:00:00Z");
  static final Duration MINUTE = Duration.ofMinutes(1);
  static final RevisionKey STABLE = new RevisionKey("checkout", "v1", "eu");
  static final RevisionKey CANARY = new RevisionKey("checkout", "v2", "eu");
  static final List<Double> BOUNDS = List.of(50.0, 100.0, 200.0, 400.0);

  /** Minutes [0, minutes) with a canary at {@code share} of 600 req/min, 5xx as given. */
  static History history(int minutes, double share, double stableErr, double canaryErr) {
    Map<RevisionKey, NavigableMap<Instant, MetricBucket>> s = new HashMap<>();
    for (int i = 0; i < minutes; i++) {
      Instant t = T0.plus(MINUTE.multipliedBy(i));
      long nc = Math.round(600 * share);
      long ns = 600 - nc;
      s.computeIfAbsent(CANARY, k -> new TreeMap<>()).put(t, bucket(t, nc, canaryErr));
      s.computeIfAbsent(STABLE, k -> new TreeMap<>()).put(t, bucket(t, ns, stableErr));
    }
    return new History(s, T0, T0.plus(MINUTE.multipliedBy(minutes)), MINUTE);
  }

  static MetricBucket bucket(Instant t, long n, double err) {
    long e = Math.round(n * err);
    long a = n / 4;
    return new MetricBucket(t, t.plus(MINUTE), new RequestCounts(n - e, 0, 0, e),
        new LatencyHistogram(BOUNDS, List.of(a, a, n - 3 * a, 0L, 0L)),
        OptionalDouble.of(0.3), OptionalDouble.of(0.4));
  }

  static Transition transition(History h) {
    return new Transition(STABLE, CANARY, h.start(), h.end(), Transition.HistoryEnd.STILL_SPLIT);
  }

  @Test
  void aCanaryWithTenTimesTheErrorsIsRolledBackWithItsNumbers() {
    History h = history(120, 0.2, 0.005, 0.05);

    ReplayResult r = new Replay(RolloutPolicy.defaults()).replay(h, transition(h));

    assertEquals(ReplayResult.Call.ROLLBACK, r.call(), r::toString);
    assertEquals(Outcome.FAIL, r.outcome());
    assertTrue(r.minute() > 3 && r.minute() < 30, r::toString);
    assertEquals(T0.plus(MINUTE.multipliedBy(r.minute())), r.at());
    assertTrue(r.message().contains("5xx"), r::message);
    assertFalse(r.exposureOnly());
  }

  @Test
  void aHealthyCanaryWalksEveryStepAndIsPromoted() {
    History h = history(200, 0.5, 0.005, 0.005);

    ReplayResult r = new Replay(RolloutPolicy.defaults()).replay(h, transition(h));

    assertEquals(ReplayResult.Call.PROMOTE, r.call(), r::toString);
    assertEquals(List.of(5, 20, 50), r.steps().stream().map(ReplayResult.StepAt::percent)
        .toList());
    assertTrue(r.minute() >= 30, r::toString); // the policy's minimum dwells: 5 + 10 + 15
  }

  @Test
  void aManualGateIsApprovedAtOnceAndSaidSo() {
    History h = history(200, 0.5, 0.005, 0.005);
    RolloutPolicy gated = dev.canaryrun.policy.PolicyJson.parse("{\"steps\": ["
        + "{\"percent\": 5, \"minDwellSeconds\": 300, \"gate\": {}}, "
        + "{\"percent\": 50, \"minDwellSeconds\": 600}]}");

    ReplayResult r = new Replay(gated).replay(h, transition(h));

    assertEquals(ReplayResult.Call.PROMOTE, r.call(), r::toString);
    assertEquals(List.of(5, 50), r.steps().stream().map(ReplayResult.StepAt::percent).toList());
    assertTrue(r.message().contains("1 manual gate(s) approved"), r::message);
  }

  @Test
  void aPolicyWithBakeTimeEndsAtThePromotion() {
    History h = history(200, 0.5, 0.005, 0.005);
    RolloutPolicy baked = RolloutPolicy.defaults().withBake(
        new dev.canaryrun.policy.BakeSettings(Duration.ofHours(1), "previous"));

    ReplayResult r = new Replay(baked).replay(h, transition(h));
    ReplayResult plain = new Replay(RolloutPolicy.defaults()).replay(h, transition(h));

    assertEquals(ReplayResult.Call.PROMOTE, r.call(), r::toString);
    assertEquals(plain.minute(), r.minute());
  }

  @Test
  void historyThatMovesOnFirstIsUndecidedAndSaysWhy() {
    History h = history(12, 0.5, 0.005, 0.005);
    Transition t = new Transition(STABLE, CANARY, h.start(), h.end(),
        Transition.HistoryEnd.PROMOTED);

    ReplayResult r = new Replay(RolloutPolicy.defaults()).replay(h, t);

    assertEquals(ReplayResult.Call.UNDECIDED, r.call());
    assertNull(r.at());
    assertTrue(r.message().contains("v1 stopped serving (promoted)"), r::message);
  }

  @Test
  void aCanaryServedFarLessThanThePolicysShareFailsOnExposureAloneAndIsFlagged() {
    History h = history(120, 0.02, 0.005, 0.005); // 2% served; the policy's steps want 5-50%

    ReplayResult r = new Replay(RolloutPolicy.defaults()).replay(h, transition(h));

    assertEquals(ReplayResult.Call.ROLLBACK, r.call(), r::toString);
    assertTrue(r.exposureOnly(), r::toString);
  }
}
