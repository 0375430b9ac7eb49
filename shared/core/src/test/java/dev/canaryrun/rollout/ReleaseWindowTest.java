package dev.canaryrun.rollout;

import static dev.canaryrun.rollout.Rollouts.MACHINE;
import static dev.canaryrun.rollout.Rollouts.T0;
import static dev.canaryrun.rollout.Rollouts.judgement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.judge.Outcome;
import dev.canaryrun.policy.PolicyJson;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.rollout.RolloutEvent.Tick;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A rollout outside its release window holds its step, still rolls back, moves on inside. */
class ReleaseWindowTest {
  // T0 is 10:00Z; the window opens at 12:00Z every day.
  private static final RolloutPolicy NOON = PolicyJson.parse("""
      {"schedule": {"windows": [{"from": "12:00", "to": "13:00", "timeZone": "UTC"}]}}
      """);

  private static Decision tick(Rollout r, Outcome o, Instant at) {
    return MACHINE.decide(r, new Tick("tick-" + at, at, null, judgement(r, o)), at);
  }

  @Test
  void aPassOutsideTheWindowHoldsTheStepAuditedOnceThenMovesOnInsideIt() {
    Rollout canary = Rollouts.in(RolloutState.CANARY, NOON);
    assertEquals(0, canary.stepIndex());
    int share = canary.traffic().candidatePercent();

    Decision held = tick(canary, Outcome.PASS, T0.plus(Duration.ofMinutes(10)));
    assertEquals(Decision.Kind.CHANGED, held.kind());
    assertEquals(0, held.next().stepIndex(), "never goes up outside the window");
    assertEquals(share, held.next().traffic().candidatePercent());
    assertTrue(held.next().reason().startsWith("holding at step 1"), held.next().reason());
    assertEquals(1, held.audit().size());
    String said = held.audit().get(0).message();
    assertTrue(said.contains("outside the release windows (every day 12:00-13:00 UTC)")
        && said.contains("next opening " + T0.plus(Duration.ofHours(2)))
        && said.contains("the judge passed the canary"), said);
    assertTrue(held.effects().isEmpty(), "no traffic change, no notification");

    Decision again = tick(held.next(), Outcome.PASS, T0.plus(Duration.ofMinutes(20)));
    assertTrue(again.audit().isEmpty(), "the hold is audited when it begins, not every tick");
    assertEquals(0, again.next().stepIndex());

    Decision inside = tick(again.next(), Outcome.PASS, T0.plus(Duration.ofMinutes(125)));
    assertEquals(1, inside.next().stepIndex(), "inside the window it moves on");
    assertEquals(20, inside.next().traffic().candidatePercent());
  }

  @Test
  void aFailingVerdictStillRollsBackOutsideTheWindow() {
    Rollout held = tick(Rollouts.in(RolloutState.CANARY, NOON), Outcome.PASS,
        T0.plus(Duration.ofMinutes(10))).next();
    Decision d = tick(held, Outcome.FAIL, T0.plus(Duration.ofMinutes(11)));
    assertEquals(RolloutState.ROLLING_BACK, d.next().state());
    assertEquals(0, d.next().traffic().candidatePercent());
  }

  @Test
  void anOperatorsPromoteIsNotHeld() {
    Rollout held = tick(Rollouts.in(RolloutState.CANARY, NOON), Outcome.PASS,
        T0.plus(Duration.ofMinutes(10))).next();
    Decision d = MACHINE.decide(held, Rollouts.command("promote-now", CommandType.PROMOTE),
        T0.plus(Duration.ofMinutes(12)));
    assertEquals(RolloutState.PROMOTING, d.next().state());
    assertEquals(100, d.next().traffic().candidatePercent());
  }
}
