package dev.canaryrun.rollout;

import static dev.canaryrun.rollout.Rollouts.DRILL_ID;
import static dev.canaryrun.rollout.Rollouts.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.rollout.Effect.FireDrillIncident;
import dev.canaryrun.rollout.RolloutEvent.DeployCompleted;
import dev.canaryrun.rollout.RolloutEvent.SmokeCheckPassed;
import dev.canaryrun.rollout.RolloutEvent.Tick;
import dev.canaryrun.rollout.RolloutEvent.TrafficApplied;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The drill's own moments: firing its incident, its timeout, and its incident's reach. */
class DrillRulesTest {
  private static final RolloutMachine M = Rollouts.MACHINE;

  private static Rollout atFirstStepUnconfirmed() {
    Rollout d = Rollouts.drillIn(RolloutState.DEPLOYING);
    d = Rollouts.step(d, new DeployCompleted("d", T0, Rollouts.STABLE, "https://x.run.app"));
    return Rollouts.step(d, new SmokeCheckPassed("s", T0, "200"));
  }

  @Test
  void cloudRunConfirmingTheFirstStepFiresTheDrillIncidentOnce() {
    Rollout r = atFirstStepUnconfirmed();
    assertNull(r.drillTimes().firedAt());
    Decision d = M.decide(r, new TrafficApplied("a", T0.plusSeconds(1), 5), T0.plusSeconds(1));
    FireDrillIncident f = (FireDrillIncident) d.effects().stream()
        .filter(FireDrillIncident.class::isInstance).findFirst().orElseThrow();
    assertEquals(DRILL_ID, f.rolloutId());
    assertEquals(r.candidateRevision(), f.revision());
    assertEquals(T0.plusSeconds(1), d.next().drillTimes().firedAt());
    assertTrue(d.audit().get(0).message().contains("firing drill incident"), d.message());
    // the same confirmation again (a redelivery) fires nothing more
    assertTrue(M.decide(d.next(), new TrafficApplied("a", T0, 5), T0.plusSeconds(2))
        .effects().isEmpty());
  }

  @Test
  void aReleaseNeverFiresAnIncident() {
    Rollout r = Rollouts.in(RolloutState.VERIFYING);
    Rollout c = Rollouts.step(r, new SmokeCheckPassed("s", T0, "200"));
    Decision d = M.decide(c, new TrafficApplied("a", T0, 5), T0);
    assertTrue(d.effects().stream().noneMatch(FireDrillIncident.class::isInstance));
  }

  @Test
  void itsIncidentRollsItBackWithTheFiguresAndAnotherDrillsDoesNot() {
    Rollout canary = Rollouts.drillIn(RolloutState.CANARY);
    Decision other = M.decide(canary, Rollouts.drillAlert(canary, "checkout-drill-0000000"),
        T0.plusMillis(80));
    assertEquals(Decision.Kind.NOOP, other.kind());
    Decision own = M.decide(canary, Rollouts.drillAlert(canary, DRILL_ID), T0.plusMillis(80));
    assertEquals(RolloutState.ROLLING_BACK, own.next().state());
    assertEquals(0, own.next().traffic().candidatePercent());
    assertEquals(T0, own.next().drillTimes().alertPublishedAt());
    assertEquals(T0.plusMillis(80), own.next().drillTimes().rollbackDecidedAt());
    assertEquals(Drill.ACTOR, own.audit().get(0).actor());
    assertTrue(own.audit().get(0).message().contains("rollback decided 80 ms later"),
        own.message());
  }

  @Test
  void aDrillIncidentNeverTouchesARelease() {
    Rollout release = Rollouts.in(RolloutState.CANARY);
    assertEquals(Decision.Kind.NOOP, M.decide(release,
        Rollouts.drillAlert(release, release.id()), T0).kind());
  }

  @Test
  void aDrillHoldsAtItsFirstStepThenRollsItselfBackWithoutItsIncident() {
    Rollout canary = Rollouts.drillIn(RolloutState.CANARY);
    Tick early = new Tick("t1", T0.plusSeconds(30), null,
        Rollouts.judgement(canary, dev.canaryrun.judge.Outcome.PASS));
    Decision held = M.decide(canary, early, T0.plusSeconds(30));
    assertEquals(RolloutState.CANARY, held.next().state());
    assertEquals(0, held.next().stepIndex());
    Duration late = DrillRules.INCIDENT_TIMEOUT.plusSeconds(1);
    Decision timedOut = M.decide(canary, new Tick("t2", T0.plus(late), null, null), T0.plus(late));
    assertEquals(RolloutState.ROLLING_BACK, timedOut.next().state());
    assertTrue(timedOut.message().contains("did not reach the alert function"),
        timedOut.message());
  }
}
