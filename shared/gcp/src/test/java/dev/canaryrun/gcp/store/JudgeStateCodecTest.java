package dev.canaryrun.gcp.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.Timestamp;
import dev.canaryrun.judge.JudgeState;
import dev.canaryrun.judge.LateData;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The judge field of a rollout document, written today and as older versions wrote it. */
class JudgeStateCodecTest {
  private static final Instant AT = Instant.parse("2025-01-06T10:09:00Z");

  @Test
  void typedEvidenceRoundTrips() {
    JudgeState j = new JudgeState(AT, TestRollouts.evidence(), Map.of("llr", 2.5));
    Map<String, Object> stored = JudgeStateCodec.write(j);
    assertTrue(stored.get("evidence") instanceof Map, "evidence is a nested map: " + stored);
    assertEquals(j, JudgeStateCodec.read(new Fields(stored, "rollouts/r1.judge")));
  }

  @Test
  void evidenceWrittenBeforeLatePointsWereCountedLoadsWithNoneSeen() {
    JudgeState j = new JudgeState(AT, TestRollouts.evidence(), Map.of());
    Map<String, Object> stored = JudgeStateCodec.write(j);
    @SuppressWarnings("unchecked")
    Map<String, Object> evidence = new HashMap<>((Map<String, Object>) stored.get("evidence"));
    assertTrue(evidence.remove("late") instanceof Map, "late points are stored: " + evidence);
    Map<String, Object> old = new HashMap<>(stored);
    old.put("evidence", evidence);
    JudgeState read = JudgeStateCodec.read(new Fields(old, "rollouts/r1.judge"));
    assertEquals(LateData.EMPTY, read.evidence().late());
    assertEquals(j.evidence().errors(), read.evidence().errors());
  }

  @Test
  void aDocumentWrittenBeforeTheEvidenceWasTypedStillLoads() {
    // The shape RolloutDocument wrote until now: consumedUntil and a flat map of numbers,
    // as Firestore hands it back (a Timestamp, Doubles).
    Map<String, Object> values = new HashMap<>();
    values.put("share", 20.0);
    values.put("canary_requests", 1500.0);
    values.put("err_fail_llr_0", 0.25);
    values.put("err_pass_done", 1.0);
    values.put("lat_p90_threshold_ms", 400.0);
    values.put("lat_p90_calibrated", 1.0);
    values.put("lat_cal_size", 2.0);
    values.put("lat_cal_b_0", 100.0);
    values.put("lat_cal_b_1", 200.0);
    values.put("guard_canary_requests", 12.0);
    Map<String, Object> old = Map.of("consumedUntil",
        Timestamp.ofTimeSecondsAndNanos(AT.getEpochSecond(), 0), "values", values);
    JudgeState j = JudgeStateCodec.read(new Fields(old, "rollouts/r1.judge"));
    assertEquals(AT, j.consumedUntil());
    assertEquals(20, j.evidence().step().share());
    assertEquals(1500.0, j.evidence().totals().canaryRequests());
    assertEquals(0.25, j.evidence().errors().failLlr().get(0));
    assertTrue(j.evidence().errors().passDone());
    assertEquals(400.0, j.evidence().latency().get(1).thresholdMs());
    assertTrue(j.evidence().latency().get(1).calibrated());
    assertEquals(List.of(100.0, 200.0), j.evidence().calibration().bounds());
    assertEquals(12.0, j.evidence().guard().canaryRequests());
    assertTrue(j.values().isEmpty());
  }

  @Test
  void evidenceOfTheWrongShapeNamesTheField() {
    Map<String, Object> bad = Map.of("consumedUntil",
        Timestamp.ofTimeSecondsAndNanos(AT.getEpochSecond(), 0),
        "evidence", Map.of("step", Map.of("share", "half")));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> JudgeStateCodec.read(new Fields(bad, "rollouts/r1.judge")));
    assertTrue(e.getMessage().contains("rollouts/r1.judge.evidence"), e.getMessage());
  }
}
