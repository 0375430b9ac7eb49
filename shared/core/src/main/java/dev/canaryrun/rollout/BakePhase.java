package dev.canaryrun.rollout;

import static dev.canaryrun.rollout.RolloutMachine.CONTROLLER;
import static dev.canaryrun.rollout.RolloutState.BAKING;
import static dev.canaryrun.rollout.RolloutState.PROMOTED;
import static dev.canaryrun.rollout.Transitions.notification;
import static dev.canaryrun.rollout.Transitions.transition;

import dev.canaryrun.judge.JudgeState;
import dev.canaryrun.judge.Judgement;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.policy.BakeSettings;
import dev.canaryrun.rollout.RolloutEvent.Tick;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The bake after 100% (policy {@code bake}): the candidate serves everyone while the previous
 * stable revision stays tagged; a FAIL of the bake judge or an alert on the candidate (see
 * AlertRules) rolls back at once, and when the bake time has passed the rollout is PROMOTED.
 */
final class BakePhase {
  private BakePhase() {}

  /** Cloud Run serves the promotion: the bake begins, judged from the next bucket on. */
  static Decision begin(Rollout r, Rollout applied, RolloutEvent e, Instant now, String split) {
    BakeSettings b = r.policy().bake();
    String why = "baking: " + r.candidateRevision() + " serves 100% for "
        + b.duration().toSeconds() + " s; previous stable " + r.stableRevision() + " kept,"
        + " tagged '" + b.stableTag() + "'; an alert on the candidate or a 5xx rate above the"
        + " pre-release baseline rolls back" + Finishing.keptScaling(r);
    JudgeState j = r.judge();
    Rollout next = applied.withState(BAKING, -1, now, why).withJudge(j == null ? null
        : j.next(Transitions.alignUp(now, r.policy().metrics().alignmentPeriod()),
            j.evidence()), r.lastVerdict());
    return transition(r, next, e, now, CONTROLLER, split + "; " + why, null,
        List.of(notification(NotificationType.BAKING, next, why)));
  }

  static Decision tick(Rollout r, Tick e, Instant now) {
    Judgement j = e.judgement();
    Rollout judged = j == null ? r : r.withJudge(j.state(), j.verdict());
    Verdict v = j == null ? null : j.verdict();
    if (v != null && v.outcome() == Outcome.FAIL) {
      return SharedMoves.rollBack(r, judged, e, now, CONTROLLER, "the bake failed the"
          + " candidate: " + v.summary(), v);
    }
    Duration baked = Duration.between(r.stateSince(), now);
    if (baked.compareTo(r.policy().bake().duration()) >= 0) {
      return done(r, judged, e, now, CONTROLLER, "baked " + baked.toSeconds() + " s with no"
          + " alert and no 5xx rise" + (judged.lastVerdict() == null ? ""
              : " (" + judged.lastVerdict().summary() + ")"), v);
    }
    return Objects.equals(r.judge(), judged.judge()) ? Decision.noop(r)
        : Decision.changed(judged, List.of(), List.of());
  }

  /** A newer build while baking: the bake ends here, the newer rollout compares with it. */
  static Decision cutShort(Rollout r, RolloutEvent.NewerBuild e, Instant now) {
    return done(r, r, e, now, CONTROLLER, "bake cut short after "
        + Duration.between(r.stateSince(), now).toSeconds() + " s: rollout " + e.newRolloutId()
        + " starts from this candidate as its stable revision", null);
  }

  /** An operator's promote while baking: the bake ends now, by their decision. */
  static Decision endedBy(Rollout r, RolloutEvent.Command c, Instant now, String by) {
    return done(r, r, c, now, c.actor(), "the operator ended the bake after "
        + Duration.between(r.stateSince(), now).toSeconds() + " s" + by, null);
  }

  private static Decision done(Rollout r, Rollout base, RolloutEvent e, Instant now,
      String actor, String why, Verdict v) {
    Rollout next = Settling.ended(base.withState(PROMOTED, -1, now, "promoted: "
        + r.candidateRevision() + " serves 100%; " + why), now);
    return transition(r, next, e, now, actor, next.reason(), v,
        List.of(notification(NotificationType.PROMOTED, next, next.reason())));
  }
}
