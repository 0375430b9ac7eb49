package dev.canaryrun.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.canaryrun.policy.JudgeSettings;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A rollout stored before the evidence was typed must keep its evidence. The fixture
 * {@code judge/legacy-flat-state.json} was written by the previous judge (the flat map of
 * named numbers, commit 459503a) after exactly the feed below; read through
 * {@link LegacyJudgeValues} it must be the typed evidence today's judge builds from the same
 * feed, field by field, and judging on from either must give the same verdict.
 */
class LegacyJudgeValuesTest {
  private final SequentialJudge judge = new SequentialJudge();
  /** The old judge had no latency warm-up. */
  private static final JudgeSettings OLD = new JudgeSettings(0.01, 1.5, 0.2, 0.2, 20, 0.95,
      0.95, 0);

  /** The feed the fixture was generated from: two steps, a threshold re-taken, a guard window. */
  private JudgeState feed() {
    JudgeState s = JudgeState.startingAt(Buckets.minute(0));
    double[] stalls = {0.10, 0.40, 0.30, 0.10, 0.10};
    for (int m = 0; m < 14; m++) {
      int pct = m < 10 ? 20 : 50;
      long cn = m < 10 ? 150 : m == 13 ? 10 : 400;
      long sn = m < 10 ? 600 : 400;
      MetricBucket c = Buckets.of(m, cn, m % 3 == 0 ? 2 : 1);
      MetricBucket st = m == 0 ? Buckets.of(m, sn, 3, stalls)
          : Buckets.of(m, sn, m % 4 == 0 ? 4 : 2);
      s = judge.judge(s, OLD, Buckets.input(List.of(c), List.of(st), pct, m + 1)).state();
    }
    return s;
  }

  private static JudgeState legacy() throws Exception {
    try (InputStream in = LegacyJudgeValuesTest.class.getClassLoader()
        .getResourceAsStream("judge/legacy-flat-state.json")) {
      Map<String, Object> doc = new ObjectMapper().readValue(in, new TypeReference<>() {});
      @SuppressWarnings("unchecked")
      Map<String, Object> raw = (Map<String, Object>) doc.get("values");
      Map<String, Double> values = new java.util.HashMap<>();
      raw.forEach((k, v) -> values.put(k, ((Number) v).doubleValue()));
      return LegacyJudgeValues.read(Instant.parse((String) doc.get("consumedUntil")), values);
    }
  }

  @Test
  void anOldFlatMapLoadsAsTheTypedEvidence() throws Exception {
    JudgeState old = legacy();
    JudgeState now = feed();
    assertEquals(now.consumedUntil(), old.consumedUntil());
    // Everything the old judge kept, typed; what it did not keep (the step's stable requests
    // and minutes, the canary's first minute) starts afresh.
    SequentialEvidence n = now.evidence();
    assertEquals(new SequentialEvidence(new StepTraffic(n.step().share(),
        n.step().canaryRequests(), 0, 0, 0, 0, 0), n.totals(), n.errors(), n.floor(), n.latency(),
        n.calibration(), n.guard(), 1, RatioState.EMPTY, LateData.EMPTY), old.evidence());
    assertTrue(old.values().isEmpty(), "every name the old judge wrote is typed: " + old.values());
    // The fixture covers what a typo used to hide: a pending guard window, a disabled p99,
    // a sticky PASS flag, and a calibration window with counts.
    assertEquals(10.0, old.evidence().guard().canaryRequests());
    assertEquals(0.0, old.evidence().quantile(2).thresholdMs());
    assertTrue(old.evidence().quantile(2).calibrated());
    assertTrue(old.evidence().quantile(0).test().passDone());
    assertEquals(5, old.evidence().calibration().counts().size());
  }

  @Test
  void judgingGoesOnAsIfNothingHadChanged() throws Exception {
    JudgeInput next = Buckets.input(List.of(Buckets.of(14, 400, 1)),
        List.of(Buckets.of(14, 400, 2)), 50, 15);
    Judgement a = judge.judge(feed(), OLD, next);
    Judgement b = judge.judge(legacy(), OLD, next);
    assertEquals(a.verdict().outcome(), b.verdict().outcome());
    assertEquals(a.state().evidence().errors(), b.state().evidence().errors());
    assertEquals(a.state().evidence().latency(), b.state().evidence().latency());
    assertEquals(a.state().evidence().totals(), b.state().evidence().totals());
  }

  @Test
  void namesTheOldJudgeNeverWroteStayNamedNumbers() {
    JudgeState s = LegacyJudgeValues.read(Buckets.minute(0),
        Map.of("llr", 1.5, "canary_requests", 40.0));
    assertEquals(Map.of("llr", 1.5), s.values());
    assertEquals(40.0, s.evidence().totals().canaryRequests());
  }
}
