package dev.canaryrun.rollout;

import static dev.canaryrun.rollout.Rollouts.STABLE;
import static dev.canaryrun.rollout.Rollouts.T0;
import static dev.canaryrun.rollout.Rollouts.command;
import static dev.canaryrun.rollout.Rollouts.judgement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.judge.Outcome;
import dev.canaryrun.rollout.RolloutEvent.AlertFired;
import dev.canaryrun.rollout.RolloutEvent.AlertResolved;
import dev.canaryrun.rollout.RolloutEvent.DeployCompleted;
import dev.canaryrun.rollout.RolloutEvent.DeployFailed;
import dev.canaryrun.rollout.RolloutEvent.RefusedCommand;
import dev.canaryrun.rollout.RolloutEvent.RefusedCommand.Refusal;
import dev.canaryrun.rollout.RolloutEvent.NewerBuild;
import dev.canaryrun.rollout.RolloutEvent.SmokeCheckFailed;
import dev.canaryrun.rollout.RolloutEvent.SmokeCheckPassed;
import dev.canaryrun.rollout.RolloutEvent.Tick;
import dev.canaryrun.rollout.RolloutEvent.TrafficApplied;
import dev.canaryrun.rollout.RolloutEvent.TrafficObserved;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every (state x event) pair of the rollout state machine and its outcome. A row lists, for
 * one state, the outcome of each event column in order. Outcomes: {@code noop} (acked, nothing
 * written), {@code rejected} (command audited, state unchanged), {@code recorded} (audit only),
 * {@code observes} (an ended rollout asks what Cloud Run serves, after its settling window),
 * {@code updated} (same state and step; evidence, incidents, pause or timers changed), or the
 * next state with its step ({@code #n}) and a traffic change ({@code ->p%}).
 */
class RolloutMachineTableTest {
  /** Events happen an hour after the rollout reached its state: every dwell has elapsed. */
  static final Instant NOW = T0.plus(Duration.ofHours(1));

  static final Map<String, Function<Rollout, RolloutEvent>> EVENTS = new LinkedHashMap<>();

  static {
    EVENTS.put("build", r -> Rollouts.build("b7654321"));
    EVENTS.put("newer", r -> new NewerBuild("e-newer", NOW, "checkout-newer"));
    EVENTS.put("deployed", r -> new DeployCompleted("e-dep", NOW, STABLE, "https://c.run.app"));
    EVENTS.put("deployFail", r -> new DeployFailed("e-depf", NOW, "image not found"));
    EVENTS.put("smokeOk", r -> new SmokeCheckPassed("e-smoke", NOW, "200"));
    EVENTS.put("smokeFail", r -> new SmokeCheckFailed("e-smokef", NOW, "503"));
    EVENTS.put("tickPass", r -> tick(r, Outcome.PASS));
    EVENTS.put("tickFail", r -> tick(r, Outcome.FAIL));
    EVENTS.put("tickInconclusive", r -> tick(r, Outcome.INCONCLUSIVE));
    EVENTS.put("alertCandidate", r -> new AlertFired("e-al", NOW, "inc-1", r.candidateRevision(),
        "5xx ratio", "5xx ratio above 5%"));
    EVENTS.put("alertStable", r -> new AlertFired("e-als", NOW, "inc-2", STABLE, "p99", "p99 high"));
    EVENTS.put("resolved", r -> new AlertResolved("e-res", NOW, "inc-1", r.candidateRevision()));
    EVENTS.put("pause", r -> command("e-pause", CommandType.PAUSE));
    EVENTS.put("resume", r -> command("e-resume", CommandType.RESUME));
    EVENTS.put("promote", r -> command("e-promote", CommandType.PROMOTE));
    EVENTS.put("rollback", r -> command("e-rollback", CommandType.ROLLBACK));
    EVENTS.put("retry", r -> command("e-retry", CommandType.RETRY));
    EVENTS.put("malformed", r -> new RefusedCommand("e-bad", NOW, Refusal.MALFORMED, "mallory@example.com",
        "command: 'abort' is not one of pause, resume, promote, rollback, retry"));
    EVENTS.put("applied", r -> new TrafficApplied("e-applied", NOW, r.traffic().candidatePercent()));
    EVENTS.put("outside", r -> new RolloutEvent.TrafficChangedOutside("e-outside", NOW,
        "bob@example.com", "traffic of checkout was changed outside canaryrun by bob"));
    EVENTS.put("observed",
        r -> new TrafficObserved("e-observed", NOW, r.traffic().candidatePercent()));
    // Rollback drills: a drill command reaches a rollout only when it is in flight (rejected
    // there); a drill incident acts only on the drill it was fired for (DrillMachineTableTest).
    EVENTS.put("drill", r -> command("e-drill", CommandType.DRILL));
    EVENTS.put("drillAlert", r -> new AlertFired("e-dal", NOW, "drill-x", r.candidateRevision(),
        "canaryrun rollback drill", "drill incident", NOW, Rollouts.DRILL_ID));
    // A rollout of one region is in no release: a release's stop is never its business
    // (ReleaseStopTableTest has the rollouts of a release in every state).
    EVENTS.put("releaseStop", r -> new RolloutEvent.ReleaseStopped("e-stop", NOW,
        "checkout-b1234567", "stopped by europe-west1 ROLLED_BACK"));
  }

  /** A tick; observing, it carries the split the pipeline set (10%), read from Cloud Run. */
  static Tick tick(Rollout r, Outcome o) {
    return new Tick("e-tick", NOW, null, judgement(r, o), null,
        r.state() == RolloutState.OBSERVING ? 10 : null);
  }

  static final Map<RolloutState, String> TABLE = new LinkedHashMap<>();

  static {
    // build, newer, deployed, deployFail, smokeOk, smokeFail,
    // tickPass, tickFail, tickInconclusive, alertCandidate, alertStable, resolved,
    // pause, resume, promote, rollback, retry, malformed, applied, outside, observed,
    // drill, drillAlert, releaseStop
    TABLE.put(RolloutState.DEPLOYING, "noop, SUPERSEDED, VERIFYING, FAILED, noop, noop,"
        + " updated, updated, updated, ROLLED_BACK, noop, recorded,"
        + " rejected, rejected, rejected, ROLLED_BACK, rejected, rejected, noop, noop, noop, rejected, noop, noop");
    TABLE.put(RolloutState.VERIFYING, "noop, SUPERSEDED, noop, noop, CANARY#1->5%, FAILED,"
        + " updated, updated, updated, ROLLED_BACK, updated, recorded,"
        + " rejected, rejected, PROMOTING->100%, ROLLED_BACK, rejected, rejected, noop, noop, noop, rejected, noop, noop");
    // CANARY x tickInconclusive: an hour in, past the step's maximum dwell, exposure-aware
    // progression moves on (onInconclusive promote, the default; StepGateTest has the rest).
    TABLE.put(RolloutState.CANARY, "noop, SUPERSEDED->0%, noop, noop, noop, noop,"
        + " CANARY#2->20%, ROLLING_BACK->0%, CANARY#2->20%, ROLLING_BACK->0%, updated, recorded,"
        + " PAUSED#1, rejected, PROMOTING->100%, ROLLING_BACK->0%, rejected, rejected, noop, PAUSED#1, noop, rejected, noop, noop");
    TABLE.put(RolloutState.PAUSED, "noop, SUPERSEDED->0%, noop, noop, noop, noop,"
        + " updated, ROLLING_BACK->0%, updated, ROLLING_BACK->0%, updated, recorded,"
        + " recorded, CANARY#1, PROMOTING->100%, ROLLING_BACK->0%, rejected, rejected, noop, noop, noop, rejected, noop, noop");
    TABLE.put(RolloutState.PROMOTING, "noop, noop, noop, noop, noop, noop,"
        + " noop, noop, noop, ROLLING_BACK->0%, updated, recorded,"
        + " rejected, rejected, rejected, ROLLING_BACK->0%, rejected, rejected, PROMOTED, noop, noop, rejected, noop, noop");
    // BAKING (a 30-minute bake, an hour in: the bake time has passed).
    TABLE.put(RolloutState.BAKING, "noop, PROMOTED, noop, noop, noop, noop,"
        + " PROMOTED, ROLLING_BACK->0%, PROMOTED, ROLLING_BACK->0%, updated, recorded,"
        + " rejected, rejected, PROMOTED, ROLLING_BACK->0%, rejected, rejected, noop, noop, noop, rejected, noop, noop");
    TABLE.put(RolloutState.PROMOTED, "noop, noop, noop, noop, noop, noop,"
        + " observes, observes, observes, noop, noop, noop,"
        + " rejected, rejected, rejected, ROLLING_BACK->0%, rejected, rejected, noop, noop, updated, rejected, noop, noop");
    TABLE.put(RolloutState.ROLLING_BACK, "noop, noop, noop, noop, noop, noop,"
        + " noop, noop, noop, noop, noop, recorded,"
        + " rejected, rejected, rejected, rejected, rejected, rejected, ROLLED_BACK, noop, noop, rejected, noop, noop");
    TABLE.put(RolloutState.ROLLED_BACK, "noop, noop, noop, noop, noop, noop,"
        + " observes, observes, observes, noop, noop, noop,"
        + " rejected, rejected, rejected, rejected, VERIFYING, rejected, noop, noop, updated, rejected, noop, noop");
    TABLE.put(RolloutState.SUPERSEDED, "noop, noop, noop, noop, noop, noop,"
        + " observes, observes, observes, noop, noop, noop,"
        + " rejected, rejected, rejected, rejected, VERIFYING, rejected, noop, noop, updated, rejected, noop, noop");
    TABLE.put(RolloutState.FAILED, "noop, noop, noop, noop, noop, noop,"
        + " noop, noop, noop, noop, noop, noop,"
        + " rejected, rejected, rejected, rejected, VERIFYING, rejected, noop, noop, noop, rejected, noop, noop");
    // Observe-only: the pipeline set 10% (audited as its shift: the policy's 90-minute budget
    // has not run out); no command applies, nothing writes traffic.
    TABLE.put(RolloutState.OBSERVING, "noop, SUPERSEDED, noop, noop, noop, noop,"
        + " OBSERVING->10%, OBSERVED->10%, OBSERVING->10%, OBSERVED, updated, recorded,"
        + " rejected, rejected, rejected, rejected, rejected, rejected, noop, noop, noop, rejected, noop, noop");
    TABLE.put(RolloutState.OBSERVED, "noop, noop, noop, noop, noop, noop,"
        + " noop, noop, noop, noop, noop, noop,"
        + " rejected, rejected, rejected, rejected, rejected, rejected, noop, noop, noop, rejected, noop, noop");
  }

  static Stream<Arguments> pairs() {
    return pairs(TABLE, EVENTS.keySet());
  }

  /** (state, column, expected outcome) for every cell of a state x event table. */
  static Stream<Arguments> pairs(Map<RolloutState, String> table,
      java.util.Collection<String> eventColumns) {
    List<Arguments> out = new ArrayList<>();
    List<String> columns = new ArrayList<>(eventColumns);
    for (Map.Entry<RolloutState, String> row : table.entrySet()) {
      List<String> cells = Arrays.stream(row.getValue().split(",")).map(String::trim).toList();
      for (int i = 0; i < columns.size(); i++) {
        out.add(Arguments.of(row.getKey(), columns.get(i), cells.get(i)));
      }
    }
    return out.stream();
  }

  @Test
  void theTableCoversEveryStateAndEveryEventType() {
    assertEquals(Arrays.asList(RolloutState.values()), new ArrayList<>(TABLE.keySet()));
    for (String row : TABLE.values()) {
      assertEquals(EVENTS.size(), row.split(",").length, row);
    }
    // Every permitted event type appears in at least one column.
    var covered = EVENTS.values().stream()
        .map(f -> f.apply(Rollouts.in(RolloutState.CANARY)).getClass())
        .collect(Collectors.toSet());
    assertEquals(Arrays.stream(RolloutEvent.class.getPermittedSubclasses()).collect(Collectors.toSet()),
        covered);
  }

  @ParameterizedTest(name = "{0} x {1} -> {2}")
  @MethodSource("pairs")
  void everyStateTimesEveryEventHasItsOutcome(RolloutState state, String event, String expected) {
    Rollout before = Rollouts.in(state);
    assertEquals(state, before.state());
    RolloutEvent e = EVENTS.get(event).apply(before);
    Decision d = Rollouts.MACHINE.decide(before, e, NOW);
    assertEquals(expected, describe(before, d));
    // A decision's notification precedes the effects whose outcomes are notified in turn.
    boolean actionSeen = false;
    for (Effect effect : d.effects()) {
      actionSeen |= !(effect instanceof Effect.Notify);
      assertTrue(!(effect instanceof Effect.Notify) || !actionSeen, d.effects().toString());
    }
    // Whatever happened, the outcome is explained: changes are audited (holds that only
    // store evidence excepted) and every traffic shift is in the audit entry.
    if (d.saves() && d.next().traffic().candidatePercent() != before.traffic().candidatePercent()) {
      assertEquals(1, d.audit().size());
      assertTrue(d.audit().get(0).shiftsTraffic());
      assertTrue(d.effects().stream().anyMatch(x -> x instanceof Effect.SetTraffic)
          || before.stableRevision() == null || before.policy().observeOnly());
    }
    // Observe-only mode never writes to Cloud Run, whatever happens.
    if (before.policy().observeOnly()) {
      assertTrue(d.effects().stream().noneMatch(x -> x instanceof Effect.SetTraffic
          || x instanceof Effect.DeployRevision), d.effects().toString());
    }
  }

  static String describe(Rollout before, Decision d) {
    if (d.kind() == Decision.Kind.NOOP) {
      assertEquals(before, d.next(), "a no-op must not change the rollout");
      assertTrue(d.effects().isEmpty() && d.audit().isEmpty(), "a no-op has no effects");
      return "noop";
    }
    Rollout next = d.next();
    if (d.kind() == Decision.Kind.REJECTED) {
      assertEquals(before, next, "a rejection must not change the rollout");
      assertEquals(1, d.audit().size(), "a rejection is audited once");
      return "rejected";
    }
    if (next.equals(before)) {
      return d.effects().stream().anyMatch(Effect.ObserveTraffic.class::isInstance)
          ? "observes" : "recorded";
    }
    boolean sameStep = next.state() == before.state() && next.stepIndex() == before.stepIndex();
    boolean trafficChanged = next.traffic().candidatePercent() != before.traffic().candidatePercent();
    if (sameStep && !trafficChanged) {
      return "updated";
    }
    String s = next.state().name();
    if (next.stepIndex() >= 0) {
      s += "#" + (next.stepIndex() + 1);
    }
    if (trafficChanged) {
      s += "->" + next.traffic().candidatePercent() + "%";
    }
    return s;
  }
}
