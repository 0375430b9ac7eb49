package dev.canaryrun.rollout;

import static dev.canaryrun.rollout.Rollouts.MACHINE;
import static dev.canaryrun.rollout.Rollouts.T0;
import static dev.canaryrun.rollout.Rollouts.judgement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.policy.CandidateScaling;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.policy.InconclusiveAction;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.rollout.Effect.ScheduleTick;
import dev.canaryrun.rollout.Effect.SetTraffic;
import dev.canaryrun.rollout.RolloutEvent.AlertFired;
import dev.canaryrun.rollout.RolloutEvent.AlertResolved;
import dev.canaryrun.rollout.RolloutEvent.Command;
import dev.canaryrun.rollout.RolloutEvent.Tick;
import dev.canaryrun.rollout.RolloutEvent.TrafficApplied;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Sequences through the machine with time passing: dwell, expiry, holds, explanations. */
class RolloutMachineTest {

  private static Decision tick(Rollout r, Outcome o, Instant at) {
    return MACHINE.decide(r, new Tick("tick-" + at, at, null, judgement(r, o)), at);
  }

  private static Rollout applied(Decision d, Instant at) {
    Rollout r = d.next();
    return r.traffic().pending()
        ? MACHINE.decide(r, new TrafficApplied("ap", at, r.traffic().candidatePercent()), at).next()
        : r;
  }

  @Test
  void healthyCandidateWalksEveryStepAfterItsMinimumDwellThenPromotes() {
    Rollout r = Rollouts.in(RolloutState.CANARY);
    Instant t = T0;
    int[] expected = {20, 50, 100};
    for (int step = 0; step < 3; step++) {
      Duration min = r.policy().step(step).minDwell();
      // One second short of the minimum dwell: a PASS holds.
      Decision early = tick(r, Outcome.PASS, t.plus(min).minusSeconds(1));
      assertEquals(r.stepIndex(), early.next().stepIndex());
      assertTrue(early.audit().isEmpty(), "a hold only stores evidence");
      t = t.plus(min);
      Decision d = tick(r, Outcome.PASS, t);
      assertEquals(expected[step], d.next().traffic().candidatePercent());
      assertTrue(d.audit().get(0).message().contains("minimum dwell " + min.toSeconds() + " s"),
          d.audit().get(0).message());
      assertEquals(Outcome.PASS, d.audit().get(0).verdict().outcome());
      r = applied(d, t);
    }
    assertEquals(RolloutState.PROMOTED, r.state());
    assertTrue(r.active(), "active until its split is checked after the settling window");
    assertEquals(t.plus(Settling.WINDOW), r.settleAt());
  }

  @Test
  void theCandidatesScalingIsAskedForAtDeployAndWhatPromotionKeepsIsSaid() {
    RolloutPolicy d = RolloutPolicy.defaults();
    RolloutPolicy scaled = new RolloutPolicy(d.steps(), d.judge(), d.metrics(), d.smokeCheck(),
        d.onNewBuild(), d.candidateTag(), d.release(), d.operators(), d.onInconclusive(),
        d.schedule(), d.mode(), d.bake(), new CandidateScaling(1, 10));
    Decision start = MACHINE.start(Rollouts.build("b7654321"), scaled, T0);
    Effect.DeployRevision deploy = start.effects().stream()
        .filter(e -> e instanceof Effect.DeployRevision).map(e -> (Effect.DeployRevision) e)
        .findFirst().orElseThrow();
    assertEquals(new CandidateScaling(1, 10), deploy.scaling());
    Decision deployed = MACHINE.decide(start.next(), new RolloutEvent.DeployCompleted("d", T0,
        "checkout-stable", "https://canary---x", null, "candidate scaling min 1, max 10"
            + " instances set on checkout-b7654321"), T0);
    assertTrue(deployed.audit().get(0).message().endsWith("smoke check next; candidate scaling"
        + " min 1, max 10 instances set on checkout-b7654321"), deployed.audit().get(0).message());

    Decision promoted = MACHINE.decide(Rollouts.in(RolloutState.PROMOTING, scaled),
        new TrafficApplied("a100", T0, 100), T0);
    assertEquals(RolloutState.PROMOTED, promoted.next().state());
    assertTrue(promoted.audit().get(0).message().contains("keeps the candidate scaling it was"
        + " deployed with (min 1, max 10 instances): Cloud Run fixes a revision's scaling when"
        + " it is deployed"), promoted.audit().get(0).message());
    Decision plain = MACHINE.decide(Rollouts.in(RolloutState.PROMOTING),
        new TrafficApplied("a100", T0, 100), T0);
    assertFalse(plain.audit().get(0).message().contains("scaling"));
  }

  @Test
  void withOnInconclusivePauseInconclusiveExtendsThePhaseToItsMaximumDwellThenPauses() {
    RolloutPolicy d = RolloutPolicy.defaults();
    Rollout r = Rollouts.in(RolloutState.CANARY, new RolloutPolicy(d.steps(), d.judge(),
        d.metrics(), d.smokeCheck(), d.onNewBuild(), d.candidateTag(), InconclusiveAction.PAUSE));
    Duration max = r.policy().step(0).maxDwell();
    Decision before = tick(r, Outcome.INCONCLUSIVE, T0.plus(max).minusSeconds(1));
    assertEquals(RolloutState.CANARY, before.next().state());
    Decision at = tick(r, Outcome.INCONCLUSIVE, T0.plus(max));
    assertEquals(RolloutState.PAUSED, at.next().state());
    assertEquals(5, at.next().traffic().candidatePercent(), "a pause keeps the split");
    assertTrue(at.effects().stream().anyMatch(e -> e instanceof Effect.Notify n
        && n.type() == NotificationType.PAUSED));
    assertNull(at.next().pause().until(), "an inconclusive pause waits for an operator");
  }

  @Test
  void timedPauseResumesAtExpiryWithAFreshDwell() {
    Rollout canary = Rollouts.in(RolloutState.CANARY);
    Instant until = T0.plus(Duration.ofMinutes(30));
    Rollout paused = MACHINE.decide(canary, new Command("p", T0, CommandType.PAUSE, "bob",
        "investigating", until, ExpiryAction.RESUME), T0).next();
    assertEquals(RolloutState.PAUSED, paused.state());
    // Before expiry a PASS does not advance a paused rollout.
    assertEquals(RolloutState.PAUSED, tick(paused, Outcome.PASS, until.minusSeconds(1)).next().state());
    Decision d = tick(paused, Outcome.PASS, until);
    assertEquals(RolloutState.CANARY, d.next().state());
    assertEquals(0, d.next().stepIndex());
    assertEquals(until, d.next().stateSince());
    assertTrue(d.audit().get(0).message().contains("expired"), d.audit().get(0).message());
    assertTrue(d.effects().stream().anyMatch(e -> e instanceof ScheduleTick));
  }

  @Test
  void timedPauseRollsBackAtExpiryWhenAskedTo() {
    Rollout canary = Rollouts.in(RolloutState.CANARY);
    Instant until = T0.plus(Duration.ofMinutes(10));
    Rollout paused = MACHINE.decide(canary, new Command("p", T0, CommandType.PAUSE, "bob",
        "wait for the DBA", until, ExpiryAction.ROLLBACK), T0).next();
    Decision d = tick(paused, Outcome.INCONCLUSIVE, until.plusSeconds(5));
    assertEquals(RolloutState.ROLLING_BACK, d.next().state());
    assertEquals(0, d.next().traffic().candidatePercent());
    assertTrue(d.effects().stream().anyMatch(e -> e instanceof SetTraffic s && s.candidatePercent() == 0));
  }

  @Test
  void aFailingVerdictRollsBackEvenWhilePaused() {
    Rollout paused = Rollouts.in(RolloutState.PAUSED);
    Decision d = tick(paused, Outcome.FAIL, T0.plusSeconds(60));
    assertEquals(RolloutState.ROLLING_BACK, d.next().state());
    assertEquals(Outcome.FAIL, d.audit().get(0).verdict().outcome());
    assertTrue(d.audit().get(0).message().contains("FAIL by test"));
  }

  @Test
  void aTickForAnotherStepIsAStaleNoOp() {
    Rollout r = Rollouts.in(RolloutState.CANARY);
    Decision d = MACHINE.decide(r, new Tick("old", T0, 2, judgement(r, Outcome.PASS)),
        T0.plus(Duration.ofHours(1)));
    assertEquals(Decision.Kind.NOOP, d.kind());
  }

  @Test
  void anOpenIncidentOnTheStableRevisionHoldsProgressUntilItCloses() {
    Rollout r = Rollouts.in(RolloutState.CANARY);
    Rollout held = MACHINE.decide(r, new AlertFired("a", T0, "inc-9", Rollouts.STABLE, "p99",
        "slow"), T0).next();
    Instant later = T0.plus(Duration.ofHours(1));
    assertEquals(0, tick(held, Outcome.PASS, later).next().stepIndex(), "holds");
    Rollout closed = MACHINE.decide(held, new AlertResolved("c", later, "inc-9", Rollouts.STABLE),
        later).next();
    assertTrue(closed.stableIncidents().isEmpty());
    assertEquals(1, tick(closed, Outcome.PASS, later).next().stepIndex(), "advances once closed");
  }

  @Test
  void aStableIncidentThatNeverClosesPausesTheRolloutAtMaximumDwellAndNotifies() {
    Rollout r = Rollouts.in(RolloutState.CANARY);
    Rollout held = MACHINE.decide(r, new AlertFired("a", T0, "inc-lost", Rollouts.STABLE, "p99",
        "slow"), T0).next();
    Duration max = r.policy().step(0).maxDwell();
    assertEquals(RolloutState.CANARY, tick(held, Outcome.PASS, T0.plus(max).minusSeconds(1))
        .next().state(), "holds while within the step's maximum dwell");
    Decision d = tick(held, Outcome.PASS, T0.plus(max));
    assertEquals(RolloutState.PAUSED, d.next().state());
    assertTrue(d.next().reason().contains("inc-lost"), d.next().reason());
    assertTrue(d.effects().stream().anyMatch(e -> e instanceof Effect.Notify n
        && n.type() == NotificationType.PAUSED));
  }

  @Test
  void aRejectedCommandIsAuditedWithItsReasonAndChangesNothing() {
    Rollout r = Rollouts.in(RolloutState.CANARY);
    Decision d = MACHINE.decide(r, Rollouts.command("c", CommandType.RESUME), T0);
    assertEquals(r, d.next());
    assertEquals("alice@example.com", d.audit().get(0).actor());
    assertTrue(d.audit().get(0).message().contains("resume applies to a PAUSED rollout, not CANARY"));
  }

  @Test
  void retryStartsTheSameCandidateAgainFromItsSmokeCheckWithFreshEvidence() {
    Rollout rolledBack = Rollouts.in(RolloutState.ROLLED_BACK);
    Decision d = MACHINE.decide(rolledBack, Rollouts.command("r", CommandType.RETRY), T0);
    assertEquals(RolloutState.VERIFYING, d.next().state());
    assertNull(d.next().judge());
    assertNull(d.next().lastVerdict());
    assertEquals(rolledBack.candidateRevision(), d.next().candidateRevision());
    assertTrue(d.effects().get(d.effects().size() - 1) instanceof Effect.SmokeCheck);
  }

  @Test
  void aSupersededCandidateStaysActiveUntilItsReturnToZeroIsConfirmed() {
    Rollout r = Rollouts.in(RolloutState.CANARY);
    Rollout superseded = MACHINE.decide(r, new RolloutEvent.NewerBuild("n", T0, "checkout-2"), T0)
        .next();
    assertEquals(RolloutState.SUPERSEDED, superseded.state());
    assertTrue(superseded.active(), "its 0% intent still has to be applied");
    Rollout done = MACHINE.decide(superseded, new TrafficApplied("a", T0, 0), T0).next();
    assertTrue(done.active(), "its 0% is checked once more after the settling window");
    Instant later = T0.plus(Settling.WINDOW);
    assertEquals(Decision.Kind.NOOP, MACHINE.decide(done,
        new RolloutEvent.Tick("early", later.minusSeconds(1), null, null), later.minusSeconds(1))
        .kind(), "nothing to check before the window has passed");
    Decision check = MACHINE.decide(done, new RolloutEvent.Tick("t", later, null, null), later);
    assertTrue(check.effects().get(0) instanceof Effect.ObserveTraffic);
    Rollout settled = MACHINE.decide(done,
        new RolloutEvent.TrafficObserved("o", later, 0), later).next();
    assertFalse(settled.active());
  }

  @Test
  void aLateWriteThatPutsARolledBackCandidateBackIntoServiceIsUndoneAfterTheWindow() {
    Rollout rolledBack = Rollouts.in(RolloutState.ROLLED_BACK);
    Instant later = T0.plus(Settling.WINDOW);
    Decision d = MACHINE.decide(rolledBack,
        new RolloutEvent.TrafficObserved("o", later, 100), later);
    assertEquals(RolloutState.ROLLED_BACK, d.next().state());
    assertEquals(TrafficIntent.desired(0), d.next().traffic());
    assertTrue(d.effects().get(0) instanceof Effect.SetTraffic s && s.candidatePercent() == 0);
    assertTrue(d.audit().get(0).message().contains("serves the candidate 100% although the"
        + " rollout is ROLLED_BACK"), d.audit().get(0).message());
  }

  @Test
  void aPromotedCandidateTakenOutByHandIsLeftAsItIs() {
    Rollout promoted = Rollouts.in(RolloutState.PROMOTED);
    Instant later = T0.plus(Settling.WINDOW);
    Decision d = MACHINE.decide(promoted, new RolloutEvent.TrafficObserved("o", later, 0), later);
    assertTrue(d.effects().isEmpty(), "an emergency rollback by hand is not undone");
    assertFalse(d.next().active());
    assertTrue(d.audit().get(0).message().contains("a change canaryrun did not make"));
  }

  @Test
  void aStepsDwellCountsFromWhenCloudRunConfirmedItsShare() {
    Rollout canary = Rollouts.in(RolloutState.CANARY);
    Instant decided = T0.plus(canary.policy().step(0).minDwell());
    Rollout step2 = tick(canary, Outcome.PASS, decided).next();
    assertTrue(step2.traffic().pending());
    Instant confirmed = decided.plus(Duration.ofMinutes(4)); // a re-driven, late confirmation
    Rollout applied = MACHINE.decide(step2, new TrafficApplied("late", confirmed, 20), confirmed)
        .next();
    assertEquals(confirmed, applied.stateSince());
    Duration min = applied.policy().step(1).minDwell();
    assertEquals(1, tick(applied, Outcome.PASS, confirmed.plus(min).minusSeconds(1)).next()
        .stepIndex(), "holds: the 20% has not been served for the minimum dwell yet");
    assertEquals(2, tick(applied, Outcome.PASS, confirmed.plus(min)).next().stepIndex());
  }

  @Test
  void aConfirmationOfAnOlderIntentIsIgnored() {
    Rollout r = Rollouts.in(RolloutState.ROLLING_BACK);
    assertEquals(Decision.Kind.NOOP,
        MACHINE.decide(r, new TrafficApplied("late", T0, 5), T0).kind());
  }

  @Test
  void aDeployThatTookExposureBackSaysSoInTheAuditAndANotification() {
    Rollout deploying = Rollouts.in(RolloutState.DEPLOYING);
    String said = "the build deployed checkout-00042-x7k serving 100% via LATEST; taken back"
        + " to 0%, stable checkout-00041-abc pinned";
    Decision d = MACHINE.decide(deploying, new RolloutEvent.DeployCompleted("d", T0,
        Rollouts.STABLE, "https://canary---checkout.a.run.app", said), T0);
    assertEquals(RolloutState.VERIFYING, d.next().state());
    assertTrue(d.audit().get(0).message().startsWith(said), d.audit().get(0).message());
    assertTrue(d.effects().get(0) instanceof Effect.Notify n && n.message().equals(said));
    assertTrue(d.effects().get(1) instanceof Effect.SmokeCheck);
  }

  @Test
  void aTrafficChangeMadeByHandPausesTheCanaryInTheNameOfWhoeverMadeIt() {
    Rollout canary = Rollouts.in(RolloutState.CANARY);
    Decision d = MACHINE.decide(canary, new RolloutEvent.TrafficChangedOutside("o", T0,
        "bob@example.com", "traffic of checkout was changed outside canaryrun by bob"), T0);
    assertEquals(RolloutState.PAUSED, d.next().state());
    assertEquals("bob@example.com", d.next().pause().actor());
    assertEquals("bob@example.com", d.audit().get(0).actor());
    assertTrue(d.audit().get(0).message().contains("changed outside canaryrun by bob"));
    assertTrue(d.effects().stream().noneMatch(Effect.SetTraffic.class::isInstance),
        "canaryrun does not fight the change");
  }

  @Test
  void anEndedRolloutLeavesTheSplitToANewerRolloutOfItsService() {
    Rollout promoted = Rollouts.in(RolloutState.PROMOTED);
    Decision d = MACHINE.decide(promoted, new RolloutEvent.Tick("t", T0, null, null,
        "checkout-newer"), T0);
    assertTrue(d.effects().isEmpty(), "no observation, no re-applied 100%: " + d.effects());
    assertFalse(d.next().active());
    assertTrue(d.audit().get(0).message().contains("checkout-newer"));
  }
}
