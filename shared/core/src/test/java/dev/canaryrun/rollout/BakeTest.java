package dev.canaryrun.rollout;

import static dev.canaryrun.rollout.Rollouts.BAKE;
import static dev.canaryrun.rollout.Rollouts.MACHINE;
import static dev.canaryrun.rollout.Rollouts.STABLE;
import static dev.canaryrun.rollout.Rollouts.T0;
import static dev.canaryrun.rollout.Rollouts.command;
import static dev.canaryrun.rollout.Rollouts.judgement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.judge.Outcome;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.rollout.Effect.SetTraffic;
import dev.canaryrun.rollout.RolloutEvent.AlertFired;
import dev.canaryrun.rollout.RolloutEvent.Tick;
import dev.canaryrun.rollout.RolloutEvent.TrafficApplied;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Bake time after 100%: an alert or a bake FAIL rolls back at once; then PROMOTED. */
class BakeTest {
  private static final RolloutPolicy BAKED = RolloutPolicy.defaults().withBake(BAKE);

  private static Rollout baking() {
    Decision promote = MACHINE.decide(Rollouts.in(RolloutState.CANARY, BAKED),
        command("pr", CommandType.PROMOTE), T0);
    SetTraffic t = (SetTraffic) promote.effects().stream()
        .filter(SetTraffic.class::isInstance).findFirst().orElseThrow();
    assertEquals("previous", t.stableTag(), "the previous stable revision stays tagged");
    Decision applied = MACHINE.decide(promote.next(), new TrafficApplied("a100", T0, 100), T0);
    assertTrue(applied.effects().stream().anyMatch(x -> x instanceof Effect.Notify n
        && n.type() == NotificationType.BAKING));
    return applied.next();
  }

  @Test
  void cloudRunServingThePromotionStartsTheBakeNotTheEnd() {
    Rollout r = baking();
    assertEquals(RolloutState.BAKING, r.state());
    assertTrue(r.active(), "still the controller's to watch");
    assertTrue(r.reason().contains("previous stable " + STABLE + " kept, tagged 'previous'"),
        r.reason());
  }

  @Test
  void aFailOfTheBakeJudgeRollsBackToThePreviousStable() {
    Rollout r = baking();
    Instant at = T0.plus(Duration.ofMinutes(12));
    Decision d = MACHINE.decide(r, new Tick("t", at, null, judgement(r, Outcome.FAIL)), at);
    assertEquals(RolloutState.ROLLING_BACK, d.next().state());
    SetTraffic back = (SetTraffic) d.effects().stream().filter(SetTraffic.class::isInstance)
        .findFirst().orElseThrow();
    assertEquals(0, back.candidatePercent());
    assertEquals(STABLE, back.stableRevision());
    assertTrue(d.audit().get(0).message().startsWith("the bake failed the candidate"),
        d.audit().get(0).message());
    Rollout done = MACHINE.decide(d.next(), new TrafficApplied("a0", at, 0), at).next();
    assertEquals(RolloutState.ROLLED_BACK, done.state());
  }

  @Test
  void anAlertOnTheCandidateDuringTheBakeRollsBackAtOnce() {
    Rollout r = baking();
    Decision d = MACHINE.decide(r, new AlertFired("al", T0, "inc-9", r.candidateRevision(),
        "5xx ratio", "5xx above 2%"), T0.plusSeconds(90));
    assertEquals(RolloutState.ROLLING_BACK, d.next().state());
    assertEquals(0, d.next().traffic().candidatePercent());
    assertEquals("cloud-monitoring", d.audit().get(0).actor());
  }

  @Test
  void theBakeEndsPromotedOnceItsTimeHasPassed() {
    Rollout r = baking();
    Instant early = T0.plus(Duration.ofMinutes(29));
    Decision still = MACHINE.decide(r, new Tick("t1", early, null,
        judgement(r, Outcome.INCONCLUSIVE)), early);
    assertEquals(RolloutState.BAKING, still.next().state());
    Instant at = T0.plus(Duration.ofMinutes(30));
    Decision done = MACHINE.decide(still.next(), new Tick("t2", at, null,
        judgement(still.next(), Outcome.INCONCLUSIVE)), at);
    assertEquals(RolloutState.PROMOTED, done.next().state());
    assertNotNull(done.next().settleAt(), "the split is checked once more, as for any end");
    assertTrue(done.next().reason().contains("baked 1800 s with no alert and no 5xx rise"),
        done.next().reason());
  }
}
