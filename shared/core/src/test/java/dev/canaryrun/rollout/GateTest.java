package dev.canaryrun.rollout;

import static dev.canaryrun.rollout.Rollouts.MACHINE;
import static dev.canaryrun.rollout.Rollouts.T0;
import static dev.canaryrun.rollout.Rollouts.command;
import static dev.canaryrun.rollout.Rollouts.judgement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.judge.Outcome;
import dev.canaryrun.policy.Gate;
import dev.canaryrun.policy.InvalidPolicyException;
import dev.canaryrun.policy.PolicyJson;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.rollout.RolloutEvent.Tick;
import dev.canaryrun.rollout.RolloutEvent.TrafficApplied;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Manual gates: the rollout waits at a gated step for an operator's promote, or its timeout. */
class GateTest {
  /** 5% free, 20% gated for 30 min then rollback, 50% gated until someone decides. */
  private static final RolloutPolicy GATED = PolicyJson.parse("""
      {"steps": [{"percent": 5, "minDwellSeconds": 300},
                 {"percent": 20, "minDwellSeconds": 600,
                  "gate": {"timeoutSeconds": 1800, "onTimeout": "rollback"}},
                 {"percent": 50, "minDwellSeconds": 900, "gate": {}}]}
      """);

  private static Decision tick(Rollout r, Outcome o, Instant at) {
    return MACHINE.decide(r, new Tick("tick-" + at, at, null, judgement(r, o)), at);
  }

  private static Rollout applied(Rollout r, Instant at) {
    return MACHINE.decide(r, new TrafficApplied("applied-" + at, at,
        r.traffic().candidatePercent()), at).next();
  }

  /** At step 2 (20%, applied) since {@code T0 + 10 min}. */
  private static Rollout atStepTwo(RolloutPolicy p) {
    Rollout canary = Rollouts.in(RolloutState.CANARY, p);
    Instant at = T0.plus(Duration.ofMinutes(10));
    Rollout two = tick(canary, Outcome.PASS, at).next();
    assertEquals(1, two.stepIndex(), "step 1 has no gate: a PASS moves on");
    return applied(two, at);
  }

  @Test
  void aPassAtAGatedStepWaitsForApprovalWithTheVerdictInView() {
    Rollout two = atStepTwo(GATED);
    Instant at = T0.plus(Duration.ofMinutes(25));
    Decision gate = tick(two, Outcome.PASS, at);
    Rollout waiting = gate.next();
    assertEquals(RolloutState.PAUSED, waiting.state());
    assertTrue(waiting.pause().gate());
    assertEquals(at.plus(Duration.ofMinutes(30)), waiting.pause().until());
    assertEquals(20, waiting.traffic().candidatePercent(), "no higher share without approval");
    assertTrue(waiting.reason().startsWith("awaiting approval to leave step 2 (20%) for 50%"),
        waiting.reason());
    assertTrue(waiting.reason().contains("PASS by test"), "the approver sees the verdict");
    assertTrue(gate.effects().stream().anyMatch(x -> x instanceof Effect.Notify n
        && n.type() == NotificationType.APPROVAL_NEEDED), gate.effects().toString());

    Decision approved = MACHINE.decide(waiting, command("ok", CommandType.PROMOTE),
        at.plus(Duration.ofMinutes(3)));
    assertEquals(RolloutState.CANARY, approved.next().state());
    assertEquals(2, approved.next().stepIndex(), "approval is the next step, not 100%");
    assertEquals(50, approved.next().traffic().candidatePercent());
    assertEquals("alice@example.com", approved.audit().get(0).actor());
    assertTrue(approved.audit().get(0).message().startsWith("approved at the gate of step 2"),
        approved.audit().get(0).message());
  }

  @Test
  void theGateAtTheLastStepApprovesThePromotion() {
    Rollout two = atStepTwo(GATED);
    Rollout waiting = tick(two, Outcome.PASS, T0.plus(Duration.ofMinutes(25))).next();
    Instant at = T0.plus(Duration.ofMinutes(27));
    Rollout three = applied(MACHINE.decide(waiting, command("ok", CommandType.PROMOTE), at)
        .next(), at);
    Rollout last = tick(three, Outcome.PASS, at.plus(Duration.ofMinutes(16))).next();
    assertEquals(RolloutState.PAUSED, last.state());
    assertEquals(null, last.pause().until(), "gate {} waits however long it takes");
    assertTrue(last.reason().contains("for 100% (promotion)"), last.reason());
    Rollout later = tick(last, Outcome.PASS, at.plus(Duration.ofDays(2))).next();
    assertEquals(last.status().pause(), later.status().pause(), "still waiting two days later");
    assertEquals(50, later.traffic().candidatePercent());
    Decision promoted = MACHINE.decide(last, command("ship", CommandType.PROMOTE),
        at.plus(Duration.ofDays(2)));
    assertEquals(RolloutState.PROMOTING, promoted.next().state());
    assertEquals(100, promoted.next().traffic().candidatePercent());
  }

  @Test
  void aTimedOutGateAppliesItsOnTimeout() {
    Rollout waiting = tick(atStepTwo(GATED), Outcome.PASS, T0.plus(Duration.ofMinutes(25)))
        .next();
    Decision early = tick(waiting, Outcome.PASS, T0.plus(Duration.ofMinutes(54)));
    assertEquals(RolloutState.PAUSED, early.next().state());
    Decision late = tick(waiting, Outcome.PASS, T0.plus(Duration.ofMinutes(55)));
    assertEquals(RolloutState.ROLLING_BACK, late.next().state());
    assertTrue(late.audit().get(0).message().contains("nobody decided at the gate of step 2"),
        late.audit().get(0).message());

    RolloutPolicy proceeding = PolicyJson.parse(PolicyJson.write(GATED)
        .replace("\"onTimeout\":\"rollback\"", "\"onTimeout\":\"proceed\""));
    Rollout w2 = tick(atStepTwo(proceeding), Outcome.PASS, T0.plus(Duration.ofMinutes(25)))
        .next();
    Decision moved = tick(w2, Outcome.PASS, T0.plus(Duration.ofMinutes(55)));
    assertEquals(RolloutState.CANARY, moved.next().state());
    assertEquals(50, moved.next().traffic().candidatePercent());
    assertTrue(moved.audit().get(0).message().contains("its onTimeout is proceed"),
        moved.audit().get(0).message());
  }

  @Test
  void aFailOrARollbackAtTheGateStillRollsBack() {
    Rollout waiting = tick(atStepTwo(GATED), Outcome.PASS, T0.plus(Duration.ofMinutes(25)))
        .next();
    assertEquals(RolloutState.ROLLING_BACK,
        tick(waiting, Outcome.FAIL, T0.plus(Duration.ofMinutes(26))).next().state());
    assertEquals(RolloutState.ROLLING_BACK, MACHINE.decide(waiting,
        command("no", CommandType.ROLLBACK), T0.plus(Duration.ofMinutes(26))).next().state());
    Rollout resumed = MACHINE.decide(waiting, command("later", CommandType.RESUME),
        T0.plus(Duration.ofMinutes(26))).next();
    assertEquals(RolloutState.CANARY, resumed.state());
    assertEquals(1, resumed.stepIndex(), "resume judges on at the step; the gate asks again");
  }

  @Test
  void gatesRoundTripAndBadOnesAreNamed() {
    assertEquals(GATED, PolicyJson.parse(PolicyJson.write(GATED)));
    assertEquals(new Gate(Duration.ofMinutes(30), Gate.OnTimeout.ROLLBACK),
        GATED.step(1).gate());
    InvalidPolicyException bad = assertThrows(InvalidPolicyException.class, () ->
        PolicyJson.parse("""
            {"steps": [{"percent": 5, "minDwellSeconds": 60,
                        "gate": {"timeoutSeconds": -5, "onTimeout": "shrug", "who": "x"}}]}
            """));
    assertTrue(bad.getMessage().contains("steps[0].gate.onTimeout: 'shrug' must be 'proceed' or"
        + " 'rollback'"), bad.getMessage());
    assertTrue(bad.getMessage().contains("steps[0].gate.who"), bad.getMessage());
    InvalidPolicyException negative = assertThrows(InvalidPolicyException.class, () ->
        PolicyJson.parse("""
            {"steps": [{"percent": 5, "minDwellSeconds": 60, "gate": {"timeoutSeconds": -5}}]}
            """));
    assertTrue(negative.getMessage().contains("steps[0].gate.timeoutSeconds: -5 must be > 0"),
        negative.getMessage());
  }
}
