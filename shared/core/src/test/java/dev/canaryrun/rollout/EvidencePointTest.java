package dev.canaryrun.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.judge.Check;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.memory.InMemoryRolloutStore;
import dev.canaryrun.port.SaveResult;
import dev.canaryrun.report.EvidencePoint;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvidencePointTest {
  private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

  static Verdict verdict(double eFail) {
    return new Verdict(Outcome.INCONCLUSIVE, "judged " + eFail, List.of(
        new Check("errors", Outcome.INCONCLUSIVE, "e", Map.of("eFail", eFail,
            "failThreshold", 105.0, "ePass", 2.0, "passThreshold", 100.0)),
        new Check("guardrail", Outcome.PASS, "a rule, no e-value", Map.of("canaryRate", 0.0))));
  }

  @Test
  void aNewVerdictMakesAPointOfItsTestsOnly() {
    Rollout before = Rollouts.in(RolloutState.CANARY).withTraffic(TrafficIntent.desired(20));
    Rollout after = before.withJudge(before.judge(), verdict(3.5));
    EvidencePoint p = EvidencePoint.between(before.lastVerdict(), after, AT).orElseThrow();
    assertEquals(1, p.tests().size(), "the guard rail has no e-value");
    assertEquals(new EvidencePoint.Test("errors", Outcome.INCONCLUSIVE, 3.5, 105.0, 2.0, 100.0),
        p.tests().get(0));
    assertEquals(20, p.candidatePercent());
    assertEquals(AT, p.at());
  }

  @Test
  void theSameVerdictOrNoneMakesNoPoint() {
    Rollout judged = Rollouts.in(RolloutState.CANARY).withTraffic(TrafficIntent.desired(20))
        .withJudge(null, verdict(1));
    assertTrue(EvidencePoint.between(judged.lastVerdict(), judged.withTraffic(TrafficIntent.desired(20)
        .markApplied()), AT).isEmpty());
    Rollout unjudged = Rollouts.in(RolloutState.CANARY).withTraffic(TrafficIntent.desired(5));
    assertTrue(EvidencePoint.between(null, unjudged, AT).isEmpty());
  }

  @Test
  void theInMemoryStoreKeepsOnePointPerNewVerdictAndNoneForADuplicate() {
    InMemoryRolloutStore store = new InMemoryRolloutStore(Clock.fixed(AT, ZoneOffset.UTC));
    Rollout r = Rollouts.in(RolloutState.CANARY).withTraffic(TrafficIntent.desired(5));
    store.save(r, 0, "build", List.of());
    store.save(r.withJudge(null, verdict(1)), 1, "tick-1", List.of());
    store.save(r.withJudge(null, verdict(2)), 2, "tick-2", List.of());
    assertEquals(SaveResult.DUPLICATE,
        store.save(r.withJudge(null, verdict(3)), 3, "tick-2", List.of()).result());
    assertEquals(List.of(1.0, 2.0), store.evidence(r.id()).stream()
        .map(p -> p.tests().get(0).eFail()).toList());
    assertEquals(RolloutState.CANARY, store.find(r.id()).orElseThrow().state());
  }
}
