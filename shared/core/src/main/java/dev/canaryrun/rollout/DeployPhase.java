package dev.canaryrun.rollout;

import static dev.canaryrun.rollout.RolloutMachine.CONTROLLER;
import static dev.canaryrun.rollout.RolloutState.CANARY;
import static dev.canaryrun.rollout.RolloutState.DEPLOYING;
import static dev.canaryrun.rollout.RolloutState.FAILED;
import static dev.canaryrun.rollout.RolloutState.VERIFYING;
import static dev.canaryrun.rollout.Transitions.notification;
import static dev.canaryrun.rollout.Transitions.smoke;
import static dev.canaryrun.rollout.Transitions.transition;

import dev.canaryrun.judge.JudgeState;
import dev.canaryrun.policy.Step;
import dev.canaryrun.rollout.Effect.SetTraffic;
import dev.canaryrun.rollout.RolloutEvent.DeployCompleted;
import dev.canaryrun.rollout.RolloutEvent.DeployFailed;
import dev.canaryrun.rollout.RolloutEvent.SmokeCheckFailed;
import dev.canaryrun.rollout.RolloutEvent.SmokeCheckPassed;
import dev.canaryrun.rollout.RolloutEvent.Tick;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** DEPLOYING and VERIFYING: the candidate is created with no traffic, then smoke-checked. */
final class DeployPhase {
  /** A deploy that has not reported back after this long is re-driven on the next tick. */
  static final Duration DEPLOY_REDRIVE_AFTER = Duration.ofMinutes(5);
  /** Likewise for a smoke check (its attempts and timeouts are far shorter than this). */
  static final Duration SMOKE_REDRIVE_AFTER = Duration.ofMinutes(2);

  private DeployPhase() {}

  static Decision deployCompleted(Rollout r, DeployCompleted e, Instant now) {
    if (r.state() != DEPLOYING) {
      return Decision.noop(r);
    }
    if (r.policy().observeOnly()) {
      // No smoke check: the pipeline that made the candidate decides when it serves, and the
      // judge starts at the next minute boundary whatever the split is.
      Rollout next = ObservePhase.observing(r.withDeployment(e.stableRevision(),
          e.candidateUrl()), now).withJudge(judgingFrom(r, now), null);
      return transition(r, next, e, now, CONTROLLER, next.reason() + " (stable: "
          + e.stableRevision() + "); canaryrun will not change traffic", null, List.of());
    }
    Rollout next = r.withDeployment(e.stableRevision(), e.candidateUrl())
        .withState(VERIFYING, -1, now, "smoke-checking " + e.candidateUrl()
            + r.policy().smokeCheck().path() + " at 0% traffic");
    String scaling = e.scaling() == null ? "" : "; " + e.scaling();
    if (e.takenBack() != null) {
      // The build deployed the candidate itself and it already served users: say so where
      // people look, the audit trail and a notification, before the smoke check.
      return transition(r, next, e, now, CONTROLLER, e.takenBack() + "; candidate "
              + r.candidateRevision() + " now at 0%, smoke check next" + scaling, null,
          List.of(notification(NotificationType.STARTED, next, e.takenBack()), smoke(next)));
    }
    return transition(r, next, e, now, CONTROLLER,
        "candidate " + r.candidateRevision() + " deployed with no traffic (stable: "
            + e.stableRevision() + "); smoke check next" + scaling, null, List.of(smoke(next)));
  }

  static Decision deployFailed(Rollout r, DeployFailed e, Instant now) {
    return r.state() == DEPLOYING ? fail(r, e, now, "deploy failed: " + e.reason())
        : Decision.noop(r);
  }

  static Decision smokePassed(Rollout r, SmokeCheckPassed e, Instant now) {
    if (r.state() != VERIFYING) {
      return Decision.noop(r);
    }
    Step first = r.policy().step(0);
    Rollout next = r.withState(CANARY, 0, now, "step 1: " + first.percent() + "% to the candidate")
        .withTraffic(TrafficIntent.desired(first.percent()))
        .withJudge(judgingFrom(r, now), null);
    return transition(r, next, e, now, CONTROLLER,
        "smoke check passed (" + e.detail() + "); step 1 of " + r.policy().steps().size() + ": "
            + first.percent() + "% to the candidate for at least " + first.minDwell(),
        null, List.of(notification(NotificationType.STEP_ADVANCED, next, next.reason()),
            SetTraffic.of(next)));
  }

  /** A fresh judge that consumes buckets from the next alignment boundary on. */
  private static JudgeState judgingFrom(Rollout r, Instant now) {
    return JudgeState.startingAt(
        Transitions.alignUp(now, r.policy().metrics().alignmentPeriod()));
  }

  static Decision smokeFailed(Rollout r, SmokeCheckFailed e, Instant now) {
    return r.state() == VERIFYING ? fail(r, e, now, "smoke check failed: " + e.detail())
        : Decision.noop(r);
  }

  /** A tick while deploying or verifying: re-drive the work if it has gone quiet too long. */
  static Decision tick(Rollout r, Tick e, Instant now) {
    return r.state() == DEPLOYING
        ? redriveIfStuck(r, e, now, DEPLOY_REDRIVE_AFTER, Transitions.deploy(r), "deploy")
        : redriveIfStuck(r, e, now, SMOKE_REDRIVE_AFTER, smoke(r), "smoke check");
  }

  private static Decision fail(Rollout r, RolloutEvent e, Instant now, String why) {
    Rollout next = r.withState(FAILED, -1, now, why + (r.policy().observeOnly()
        ? " (observe-only: nothing was judged, traffic is as the pipeline set it)"
        : " (no user traffic was served)"));
    return transition(r, next, e, now, CONTROLLER, next.reason(), null,
        List.of(notification(NotificationType.FAILED, next, next.reason())));
  }

  private static Decision redriveIfStuck(Rollout r, Tick e, Instant now, Duration after,
      Effect effect, String what) {
    Duration waited = Duration.between(r.stateSince(), now);
    if (waited.compareTo(after) < 0) {
      return Decision.noop(r);
    }
    Rollout next = r.withState(r.state(), r.stepIndex(), now, r.reason());
    return transition(r, next, e, now, CONTROLLER,
        what + " has not reported back for " + waited.toSeconds() + " s (limit "
            + after.toSeconds() + " s): trying again", null, List.of(effect));
  }
}
