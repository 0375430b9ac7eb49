package dev.canaryrun.rollout;

import static dev.canaryrun.rollout.RolloutMachine.CONTROLLER;
import static dev.canaryrun.rollout.RolloutState.OBSERVED;
import static dev.canaryrun.rollout.RolloutState.OBSERVING;
import static dev.canaryrun.rollout.Transitions.notification;
import static dev.canaryrun.rollout.Transitions.transition;

import dev.canaryrun.judge.Check;
import dev.canaryrun.judge.Judgement;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.rollout.Effect.Notify;
import dev.canaryrun.rollout.RolloutEvent.AlertFired;
import dev.canaryrun.rollout.RolloutEvent.Tick;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Observe-only mode (policy {@code mode: observe}): the team's pipeline moves the traffic, and
 * canaryrun judges the candidate at whatever split Cloud Run serves, records each decisive
 * verdict and publishes it, and never writes to Cloud Run. Nothing here emits a traffic effect.
 *
 * <p>A PASS does not end the observation: the pipeline may give the candidate more traffic, and
 * the judge's PASS evidence is about the share it was gathered at (it restarts when the share
 * changes), while its FAIL evidence keeps accumulating. The observation ends at a FAIL, an
 * alert on the candidate, when the pipeline has moved it to 100% or taken it back to 0%, or
 * after the policy's time budget.
 */
final class ObservePhase {
  private ObservePhase() {}

  /** The audit and the log say the mode in every decision's first words. */
  static final String OBSERVING_ONLY = "observe-only: ";

  static Decision tick(Rollout r, Tick e, Instant now) {
    if (e.servedPercent() == null) {
      return Decision.noop(r); // Cloud Run's split could not be read: nothing to judge it at
    }
    int was = r.traffic().candidatePercent();
    int served = e.servedPercent();
    Judgement j = e.judgement();
    Rollout next = r.withTraffic(new TrafficIntent(served, true));
    if (j != null) {
      next = next.withJudge(j.state(), j.verdict());
    }
    Verdict v = j == null ? r.lastVerdict() : j.verdict();
    String at = " at " + served + "% (" + r.candidateRevision() + " vs " + r.stableRevision()
        + ")";
    if (v != null && v.outcome() == Outcome.FAIL) {
      return end(r, next, e, now, CONTROLLER, "the judge failed the candidate" + at + ": "
          + v.summary(), v);
    }
    if (served == 100 || (served == 0 && was > 0)) {
      String what = served == 100 ? "the pipeline moved 100% to the candidate"
          : "the pipeline took the candidate back to 0% (it served " + was + "%)";
      return end(r, next, e, now, CONTROLLER, what + "; last verdict: "
          + (v == null ? "none (no evidence gathered)" : v.outcome() + ": " + v.summary()), v);
    }
    Duration observed = Duration.between(r.stateSince(), now);
    if (observed.compareTo(r.policy().timeBudget()) >= 0) {
      return end(r, next, e, now, CONTROLLER, "the policy's time budget ("
          + r.policy().timeBudget().toMinutes() + " min) ran out" + at + " with no FAIL; last"
          + " verdict: " + (v == null ? "none" : v.outcome() + ": " + v.summary()), v);
    }
    boolean newPass = v != null && v.outcome() == Outcome.PASS
        && (r.lastVerdict() == null || r.lastVerdict().outcome() != Outcome.PASS);
    if (newPass) {
      String why = OBSERVING_ONLY + "the judge passed the candidate" + at + ": " + v.summary();
      return transition(r, next, e, now, CONTROLLER, why, v,
          List.of(verdictNotice(NotificationType.VERDICT, next, why, v)));
    }
    if (served != was) {
      // Every traffic shift is audited, the pipeline's too: the verdicts that follow are
      // about the new share.
      return transition(r, next, e, now, CONTROLLER, OBSERVING_ONLY + "Cloud Run serves the "
          + "candidate " + served + "% (was " + was + "%), set outside canaryrun; judging at "
          + served + "%", v, List.of());
    }
    return Objects.equals(r.judge(), next.judge()) && Objects.equals(r.lastVerdict(), v)
        ? Decision.noop(r)
        : Decision.changed(next, List.of(), List.of());
  }

  /**
   * An incident on the candidate is a FAIL the pipeline must hear of at once; one on the
   * stable revision is only recorded (there is no progress here to hold).
   */
  static Decision alert(Rollout r, AlertFired e, Instant now) {
    String what = "Cloud Monitoring incident " + e.incidentId() + " (" + e.policyName() + ": "
        + e.summary() + ") on the candidate";
    Verdict v = new Verdict(Outcome.FAIL, what, List.of(new Check("alert", Outcome.FAIL, what,
        Map.of())));
    return end(r, r.withJudge(r.judge(), v), e, now, AlertRules.MONITORING, what, v);
  }

  private static Decision end(Rollout r, Rollout next, RolloutEvent e, Instant now,
      String actor, String why, Verdict v) {
    String text = OBSERVING_ONLY + why + "; traffic is as the pipeline left it";
    Rollout ended = next.withState(OBSERVED, -1, now, text);
    return transition(r, ended, e, now, actor, text, v,
        List.of(verdictNotice(NotificationType.OBSERVED, ended, text, v)));
  }

  /** A notification that carries the verdict's outcome, so a pipeline can act on the event. */
  private static Notify verdictNotice(NotificationType type, Rollout r, String text, Verdict v) {
    Notify n = notification(type, r, text);
    Map<String, Object> details = new LinkedHashMap<>(n.details());
    details.put("mode", "observe");
    details.put("outcome", v == null ? "NONE" : v.outcome().name());
    return new Notify(type, text, details);
  }

  /** OBSERVING from a located candidate: what is judged, at which split, and that it is all. */
  static Rollout observing(Rollout r, Instant now) {
    return r.withState(OBSERVING, -1, now, OBSERVING_ONLY + "judging " + r.candidateRevision()
        + " against " + r.stableRevision() + " at the split the pipeline sets");
  }
}
