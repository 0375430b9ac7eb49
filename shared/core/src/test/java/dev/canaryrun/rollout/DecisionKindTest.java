package dev.canaryrun.rollout;

import static dev.canaryrun.rollout.Rollouts.MACHINE;
import static dev.canaryrun.rollout.Rollouts.T0;
import static dev.canaryrun.rollout.Rollouts.command;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.rollout.RolloutEvent.Command;
import dev.canaryrun.rollout.RolloutEvent.RefusedCommand;
import dev.canaryrun.rollout.RolloutEvent.RefusedCommand.Refusal;
import dev.canaryrun.rollout.RolloutEvent.ServiceRollouts;
import dev.canaryrun.rollout.RolloutEvent.TrafficApplied;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each decision says what kind it is; nothing infers it from the rollout or a message. */
class DecisionKindTest {

  @Test
  void aNoOpChangesNothingAndAsksForNothing() {
    Rollout canary = Rollouts.in(RolloutState.CANARY);
    Decision d = MACHINE.decide(canary, new TrafficApplied("late", T0, 50), T0);
    assertEquals(Decision.Kind.NOOP, d.kind());
    assertEquals(canary, d.next());
    assertTrue(d.effects().isEmpty() && d.audit().isEmpty());
    assertTrue(!d.saves());
  }

  @Test
  void aRejectionKeepsTheRolloutAndCarriesOneAuditEntryAndItsNotification() {
    Rollout canary = Rollouts.in(RolloutState.CANARY);
    Decision d = MACHINE.decide(canary, command("c1", CommandType.RESUME), T0);
    assertEquals(Decision.Kind.REJECTED, d.kind());
    assertEquals(canary, d.next());
    assertEquals(1, d.audit().size());
    assertEquals("rejected resume from alice@example.com: resume applies to a PAUSED rollout,"
        + " not CANARY", d.audit().get(0).message());
    assertTrue(d.effects().get(0) instanceof Effect.Notify n
        && n.type() == NotificationType.COMMAND_REJECTED);
    assertTrue(d.saves(), "a rejection is saved, with its audit entry");
  }

  @Test
  void aChangeMovesTheRollout() {
    Rollout canary = Rollouts.in(RolloutState.CANARY);
    Decision d = MACHINE.decide(canary, command("c2", CommandType.PAUSE), T0);
    assertEquals(Decision.Kind.CHANGED, d.kind());
    assertEquals(RolloutState.PAUSED, d.next().state());
  }

  @Test
  void rejectionsThatDependOnTheServicesOtherRolloutsAreTheMachinesToo() {
    Rollout rolledBack = Rollouts.in(RolloutState.ROLLED_BACK);
    Command retryWhileAnotherFlies = new Command("c3", T0, CommandType.RETRY, "bob", "again",
        null, null, ServiceRollouts.of("checkout-other", rolledBack.id()));
    Decision d = MACHINE.decide(rolledBack, retryWhileAnotherFlies, T0);
    assertEquals(Decision.Kind.REJECTED, d.kind());
    assertEquals("rejected retry from bob: rollout checkout-other is in flight",
        d.audit().get(0).message());

    Command rollbackOfAnOldOne = new Command("c4", T0, CommandType.ROLLBACK, "bob", "undo",
        null, null, ServiceRollouts.of(null, "checkout-newest"));
    Decision old = MACHINE.decide(Rollouts.in(RolloutState.PROMOTED), rollbackOfAnOldOne, T0);
    assertEquals(Decision.Kind.REJECTED, old.kind());
    assertTrue(old.audit().get(0).message().contains("is not the service's latest"));

    Command sameRetryNoOtherFlight = new Command("c5", T0, CommandType.RETRY, "bob", "again",
        null, null, ServiceRollouts.of(null, rolledBack.id()));
    assertEquals(Decision.Kind.CHANGED,
        MACHINE.decide(rolledBack, sameRetryNoOtherFlight, T0).kind());
  }

  @Test
  void aMalformedCommandIsRejectedInEveryState() {
    for (RolloutState s : RolloutState.values()) {
      Decision d = MACHINE.decide(Rollouts.in(s),
          new RefusedCommand("m1", T0, Refusal.MALFORMED, "mallory", "unknown field 'force'"), T0);
      assertEquals(Decision.Kind.REJECTED, d.kind(), s.name());
      assertEquals("Command.MALFORMED", d.audit().get(0).eventType());
      assertEquals("rejected malformed command from mallory: unknown field 'force'",
          d.audit().get(0).message());
    }
  }

  @Test
  void kindsKeepTheirShape() {
    Rollout r = Rollouts.in(RolloutState.CANARY);
    AuditEntry a = new AuditEntry(T0, "e", "Tick", "x", r.state(), r.state(), 5, 5, "m", null);
    assertThrows(IllegalArgumentException.class,
        () -> new Decision(Decision.Kind.NOOP, r, List.of(), List.of(a)));
    assertThrows(IllegalArgumentException.class,
        () -> new Decision(Decision.Kind.REJECTED, r, List.of(), List.of()));
  }
}
