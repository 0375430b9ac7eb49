package dev.canaryrun.rollout;

import static dev.canaryrun.rollout.RolloutMachine.CONTROLLER;
import static dev.canaryrun.rollout.RolloutState.CANARY;
import static dev.canaryrun.rollout.RolloutState.DEPLOYING;
import static dev.canaryrun.rollout.Transitions.notification;
import static dev.canaryrun.rollout.Transitions.transition;

import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.rollout.Effect.FireDrillIncident;
import dev.canaryrun.rollout.RolloutEvent.AlertFired;
import dev.canaryrun.rollout.RolloutEvent.Command;
import dev.canaryrun.rollout.RolloutEvent.Tick;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The rollback drill's part of the machine (README "Rollback drills"). A drill is an ordinary
 * rollout of the stable image, deployed, smoke-checked and given the first step's share by the
 * same phases as a release, with three differences decided here: when Cloud Run confirms the
 * first step the drill fires its incident; it never moves past the first step (a drill proves
 * the way back, not the way forward); and only its own drill incident, never a real rollout's,
 * rolls it back as an alert.
 */
final class DrillRules {
  /**
   * How long a drill at its first step waits for its incident before it rolls itself back:
   * the alert path takes well under a second when it works, and a drill must not hold a
   * service (every release waits, or supersedes it) for long when it does not.
   */
  static final Duration INCIDENT_TIMEOUT = Duration.ofMinutes(2);

  private DrillRules() {}

  /**
   * The drill rollout, DEPLOYING the stable image as its candidate with no traffic.
   *
   * @param builtAt the build time of the release the drill repeats (the service's latest
   *     rollout's; the epoch when there is none): builds are put in order against releases,
   *     so a real build that finished before the drill command still supersedes the drill
   */
  static Decision start(Command c, String service, String region, String id, String image,
      Drill drill, RolloutPolicy policy, Instant builtAt, Instant now) {
    String reason = "rollback drill: deploying the stable image " + image + " (of "
        + drill.stableRevision() + ") as " + id + " with no traffic";
    Rollout r = Rollout.created(new RolloutSpec(id, service, region, image, id, builtAt,
        id, false, policy, now, drill),
        RolloutStatus.deploying(now, reason));
    long failed = drill.checks().stream().filter(x -> !x.passed()).count();
    String checks = drill.checks().isEmpty() ? ""
        : "; checks before the drill: " + (drill.checks().size() - failed) + " of "
            + drill.checks().size() + " passed";
    AuditEntry audit = new AuditEntry(now, c.eventId(), c.type(), c.actor(), DEPLOYING,
        DEPLOYING, 0, 0, reason + " (" + c.actor() + ": " + c.reason() + ")" + checks, null);
    return Decision.changed(r, List.of(notification(NotificationType.STARTED, r, reason),
        Transitions.deploy(r)), List.of(audit));
  }

  /**
   * Cloud Run confirmed a drill's first step: fire the incident, once. The times are
   * recorded in the same save, so a redelivered confirmation (a no-op) fires nothing more.
   */
  static Decision firstStepApplied(Rollout before, Rollout applied, RolloutEvent e,
      Instant now, String split) {
    if (applied.state() != CANARY || before.drillTimes().firedAt() != null) {
      return null; // not the drill's moment: the caller decides as for any rollout
    }
    Rollout next = applied.withDrillTimes(before.drillTimes().fired(now));
    String incident = Drill.incidentId(before.id());
    return transition(before, next, e, now, CONTROLLER, split + "; rollback drill: firing drill"
            + " incident " + incident + " on canaryrun-alerts", null,
        List.of(new FireDrillIncident(before.id(), before.service(), before.region(),
            before.candidateRevision(), incident)));
  }

  /**
   * A tick on a drill in CANARY or PAUSED: it never moves on. A judge's FAIL has already
   * rolled it back (the caller); a drill whose incident did not come rolls itself back.
   */
  static Decision tick(Rollout r, Rollout judged, Tick e, Instant now) {
    Instant fired = r.drillTimes().firedAt();
    Instant since = fired != null ? fired : r.stateSince();
    Duration waited = Duration.between(since, now);
    if (r.traffic().pending() || waited.compareTo(INCIDENT_TIMEOUT) < 0) {
      return java.util.Objects.equals(r.judge(), judged.judge())
          ? Decision.noop(r) : Decision.changed(judged, List.of(), List.of());
    }
    String why = "rollback drill: " + (fired == null ? "the first step was never confirmed"
        : "drill incident " + Drill.incidentId(r.id()) + " fired at " + fired
            + " did not reach the alert function") + " within " + INCIDENT_TIMEOUT.toSeconds()
        + " s; the drill rolls itself back and fails its alert-path check";
    return SharedMoves.rollBack(r, judged, e, now, CONTROLLER, why, null);
  }

  /**
   * A drill incident: it rolls back the drill it was fired for, through the same move as a
   * real incident, and records when it was published and when the rollback was decided.
   * Anything else (another rollout, a drill that already ended) ignores it.
   */
  static Decision alert(Rollout r, AlertFired e, Instant now) {
    if (!r.isDrill() || !r.id().equals(e.drillOf()) || !e.revision().equals(r.candidateRevision())
        || r.state().terminal() || r.state() == RolloutState.ROLLING_BACK) {
      return Decision.noop(r);
    }
    Instant published = e.publishedAt() != null ? e.publishedAt() : e.occurredAt();
    Rollout timed = r.withDrillTimes(r.drillTimes().decided(published, now));
    long ms = Duration.between(published, now).toMillis();
    return SharedMoves.rollBack(r, timed, e, now, Drill.ACTOR, "rollback drill: drill"
        + " incident " + e.incidentId() + " on the candidate (published at " + published
        + ", rollback decided " + ms + " ms later)", null);
  }
}
