package dev.canaryrun.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.judge.Check;
import dev.canaryrun.judge.JudgeState;
import dev.canaryrun.judge.Judgement;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.report.RollbackReport;
import dev.canaryrun.report.RollbackReport.Cause;
import dev.canaryrun.rollout.RolloutEvent.AlertFired;
import dev.canaryrun.rollout.RolloutEvent.DeployCompleted;
import dev.canaryrun.rollout.RolloutEvent.SmokeCheckPassed;
import dev.canaryrun.rollout.RolloutEvent.Tick;
import dev.canaryrun.rollout.RolloutEvent.TrafficApplied;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The post-rollback report from audit trails the real machine writes: a judge rollback
 * after a step advance, an alert rollback, and a promotion (no report).
 */
class RollbackReportTest {
  private static final Instant T0 = Rollouts.T0;
  private final List<AuditEntry> audit = new ArrayList<>();

  private Rollout step(Rollout r, RolloutEvent e) {
    Decision d = Rollouts.MACHINE.decide(r, e, e.occurredAt());
    audit.addAll(d.audit());
    return d.next();
  }

  private Rollout canaryAt5Percent() {
    Decision start = Rollouts.MACHINE.start(Rollouts.build("b7654321"), RolloutPolicy.defaults(),
        T0);
    audit.addAll(start.audit());
    Rollout r = step(start.next(), new DeployCompleted("d", T0.plusSeconds(20), Rollouts.STABLE,
        "https://canary---checkout-xyz.a.run.app"));
    r = step(r, new SmokeCheckPassed("s", T0.plusSeconds(25), "200 OK"));
    return step(r, new TrafficApplied("a5", T0.plusSeconds(26), 5));
  }

  /** A verdict whose cumulative errors check counted these requests. */
  private static Judgement judged(Rollout r, Outcome o, double canaryRequests,
      double canaryErrors, double stableRate) {
    Check errors = new Check("errors", o, "canary 5xx " + canaryErrors + "/" + canaryRequests,
        Map.of("canaryRequests", canaryRequests, "canaryErrors", canaryErrors,
            "stableRate", stableRate));
    JudgeState before = r.judge() == null ? JudgeState.startingAt(T0) : r.judge();
    return new Judgement(new Verdict(o, o + ": canary 5xx " + canaryErrors + "/"
        + canaryRequests, List.of(errors)), new JudgeState(before.consumedUntil()
        .plusSeconds(60), Map.of()));
  }

  @Test
  void aJudgeRollbackNamesItsVerdictTheSharesAndTheExcessBadRequests() {
    Rollout r = canaryAt5Percent();
    Instant failAt = T0.plusSeconds(26 + 300);
    r = step(r, new Tick("t1", failAt, null, judged(r, Outcome.FAIL, 2000, 60, 0.01)));
    r = step(r, new TrafficApplied("a0", failAt.plusMillis(1500), 0));
    assertEquals(RolloutState.ROLLED_BACK, r.state());

    RollbackReport report = RollbackReport.of(r, audit).orElseThrow();
    assertEquals(Cause.JUDGE, report.trigger().cause());
    assertTrue(report.trigger().detail().contains("FAIL: canary 5xx 60.0/2000.0"),
        report.trigger().detail());
    assertEquals(T0.plusSeconds(20), report.deployedAt());
    assertEquals(List.of(new RollbackReport.Share(T0.plusSeconds(26), 5,
        Duration.ofMillis(301_500))), report.shares());
    assertEquals(Duration.ofMillis(301_500), report.candidateServed());
    assertEquals(2000.0, report.requests());
    assertEquals(40.0, report.excessBadRequests(), 1e-9); // 60 bad, 2000 x 1% expected
    assertEquals(Duration.ofMillis(1500), report.triggerToZero());
    String text = String.join("\n", report.lines());
    assertTrue(text.contains("2000 served by the candidate as judged, 40 excess bad requests"),
        text);
    assertTrue(text.contains("trigger -> 0% confirmed by Cloud Run in 1.50 s"), text);
  }

  @Test
  void anAlertRollbackIsTriggeredByTheIncidentAndUnconfirmedUntilCloudRunAnswers() {
    Rollout r = canaryAt5Percent();
    r = step(r, new AlertFired("al", T0.plusSeconds(90), "0.abc", r.candidateRevision(),
        "checkout 5xx", "5xx above 1/s"));
    assertEquals(RolloutState.ROLLING_BACK, r.state());

    RollbackReport report = RollbackReport.of(r, audit).orElseThrow();
    assertEquals(Cause.ALERT, report.trigger().cause());
    assertEquals("cloud-monitoring", report.trigger().actor());
    assertEquals(null, report.triggerToZero());
    assertEquals(null, report.requests(), "no judged bucket: no request count");
    assertTrue(String.join("\n", report.lines()).contains("0% not confirmed by Cloud Run yet"));
  }

  @Test
  void aPromotedRolloutHasNoRollbackReport() {
    Rollout r = canaryAt5Percent();
    r = step(r, Rollouts.command("pr", CommandType.PROMOTE));
    r = step(r, new TrafficApplied("a100", T0.plusSeconds(60), 100));
    assertEquals(RolloutState.PROMOTED, r.state());
    assertEquals(Optional.empty(), RollbackReport.of(r, audit));
  }

  @Test
  void aRollbackBeforeAnyTrafficSaysThereWasNothingToTakeBack() {
    Decision start = Rollouts.MACHINE.start(Rollouts.build("b7654321"), RolloutPolicy.defaults(),
        T0);
    audit.addAll(start.audit());
    Rollout r = step(start.next(), new DeployCompleted("d", T0.plusSeconds(20), Rollouts.STABLE,
        "https://canary---checkout-xyz.a.run.app"));
    assertEquals(RolloutState.VERIFYING, r.state());
    r = step(r, Rollouts.command("rb", CommandType.ROLLBACK));
    assertEquals(RolloutState.ROLLED_BACK, r.state());

    RollbackReport report = RollbackReport.of(r, audit).orElseThrow();
    assertEquals(Cause.OPERATOR, report.trigger().cause());
    assertEquals(List.of(), report.shares());
    assertEquals(0, report.maxPercent());
    assertEquals(Duration.ZERO, report.triggerToZero());
    String text = String.join("\n", report.lines());
    assertTrue(text.contains("nothing to take back: the candidate never served users"), text);
    assertTrue(text.contains("(never served users)"), text);
  }
}
