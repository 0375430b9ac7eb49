package dev.canaryrun.rollout;

import static dev.canaryrun.rollout.RolloutState.CANARY;
import static dev.canaryrun.rollout.RolloutState.DEPLOYING;
import static dev.canaryrun.rollout.RolloutState.ROLLED_BACK;
import static dev.canaryrun.rollout.RolloutState.ROLLING_BACK;
import static dev.canaryrun.rollout.RolloutState.VERIFYING;
import static dev.canaryrun.rollout.Transitions.notification;
import static dev.canaryrun.rollout.Transitions.transition;

import dev.canaryrun.judge.Verdict;
import dev.canaryrun.rollout.Effect.ScheduleTick;
import dev.canaryrun.rollout.Effect.SetTraffic;
import java.time.Instant;
import java.util.List;

/** The moves several causes share: a rollback (judge, alert, operator, expiry) and a resume. */
final class SharedMoves {
  private SharedMoves() {}

  /**
   * Back to the stable revision. Before the candidate had traffic there is nothing to undo, so
   * the rollout ends at once; afterwards 0% is decided and ROLLED_BACK follows its confirmation.
   *
   * @param base the rollout to change (the one before, or with the tick's evidence stored)
   */
  static Decision rollBack(Rollout r, Rollout base, RolloutEvent e, Instant now, String actor,
      String why, Verdict v) {
    boolean noTrafficYet = r.state() == DEPLOYING || r.state() == VERIFYING;
    if (noTrafficYet) {
      Rollout next = base.withState(ROLLED_BACK, -1, now, why + " (before any traffic)");
      return transition(r, next, e, now, actor, next.reason(), v,
          List.of(notification(NotificationType.ROLLED_BACK, next, next.reason())));
    }
    Rollout next = base.withState(ROLLING_BACK, -1, now, "rolling back: " + why)
        .withTraffic(TrafficIntent.desired(0));
    return transition(r, next, e, now, actor, why + "; 100% back to " + r.stableRevision(), v,
        List.of(notification(NotificationType.ROLLING_BACK, next, why), SetTraffic.of(next)));
  }

  /** PAUSED back to CANARY at the same step; the step's dwell starts again. */
  static Decision resume(Rollout r, Rollout base, RolloutEvent e, Instant now, String actor,
      String why) {
    // A fresh window: an inconclusive phase deserves one, and an operator who paused for an
    // hour did not mean the hour to count as observation.
    Rollout next = base.withState(CANARY, r.stepIndex(), now,
        "step " + (r.stepIndex() + 1) + ": " + r.traffic().candidatePercent()
            + "% to the candidate (resumed)");
    return transition(r, next, e, now, actor, why, null,
        List.of(notification(NotificationType.RESUMED, next, why),
            new ScheduleTick(r.id(), r.stepIndex())));
  }
}
