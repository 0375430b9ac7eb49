package dev.canaryrun.rollout;

import static dev.canaryrun.rollout.RolloutMachine.CONTROLLER;
import static dev.canaryrun.rollout.RolloutState.CANARY;
import static dev.canaryrun.rollout.RolloutState.PROMOTED;
import static dev.canaryrun.rollout.RolloutState.PROMOTING;
import static dev.canaryrun.rollout.RolloutState.ROLLED_BACK;
import static dev.canaryrun.rollout.RolloutState.ROLLING_BACK;
import static dev.canaryrun.rollout.RolloutState.SUPERSEDED;
import static dev.canaryrun.rollout.Transitions.notification;
import static dev.canaryrun.rollout.Transitions.transition;

import dev.canaryrun.rollout.Effect.SetTraffic;
import dev.canaryrun.rollout.RolloutEvent.NewerBuild;
import dev.canaryrun.rollout.RolloutEvent.TrafficApplied;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** How rollouts end: superseded by a newer build, or a decided split confirmed by Cloud Run. */
final class Finishing {
  private Finishing() {}

  static Decision newerBuild(Rollout r, NewerBuild e, Instant now) {
    if (r.state() == RolloutState.BAKING) {
      return BakePhase.cutShort(r, e, now);
    }
    if (r.state().terminal() || r.state() == PROMOTING || r.state() == ROLLING_BACK) {
      // Those two are finishing an outcome already decided; the newer rollout starts from
      // whatever they leave serving.
      return Decision.noop(r);
    }
    // Observe-only: the split is the pipeline's, and stays as it is.
    boolean hadTraffic = !r.policy().observeOnly()
        && (r.traffic().candidatePercent() > 0 || r.traffic().pending());
    Rollout next = r.withState(SUPERSEDED, -1, now, "superseded by rollout " + e.newRolloutId()
        + " before validation")
        .withTraffic(hadTraffic ? TrafficIntent.desired(0) : r.traffic());
    List<Effect> effects = new ArrayList<>();
    effects.add(notification(NotificationType.SUPERSEDED, next, next.reason()));
    if (hadTraffic && r.stableRevision() != null) {
      effects.add(SetTraffic.of(next));
    }
    return transition(r, next, e, now, CONTROLLER,
        next.reason() + (hadTraffic ? "; the candidate goes back to 0%" : ""), null, effects);
  }

  /**
   * What promotion cannot undo: the candidate's scaling was set on its revision (when
   * canaryrun created it), Cloud Run applies revision-level scaling when a revision is deployed
   * and never changes a revision, so the promoted revision keeps it until the service's next
   * revision. Said where people look, with the numbers.
   */
  static String keptScaling(Rollout r) {
    if (!r.policy().candidateScaling().sets() || r.adopt()) {
      return "";
    }
    return "; " + r.candidateRevision() + " keeps the candidate scaling it was deployed with ("
        + r.policy().candidateScaling().describe() + "): Cloud Run fixes a revision's scaling"
        + " when it is deployed, so only the service's next revision can change it";
  }

  static Decision trafficApplied(Rollout r, TrafficApplied e, Instant now) {
    TrafficIntent t = r.traffic();
    if (t.applied() || t.candidatePercent() != e.candidatePercent()) {
      return Decision.noop(r); // a confirmation of an intent that is no longer current
    }
    Rollout applied = r.withTraffic(t.markApplied());
    String split = "Cloud Run serves candidate " + t.candidatePercent() + "% / stable "
        + (100 - t.candidatePercent()) + "%";
    // A drill an operator promoted is the stable image at 100%: nothing to bake.
    if (r.state() == PROMOTING && r.policy().bake().active() && !r.isDrill()) {
      return BakePhase.begin(r, applied, e, now, split);
    }
    if (r.state() == PROMOTING) {
      Rollout next = Settling.ended(applied.withState(PROMOTED, -1, now,
          "promoted: " + r.candidateRevision() + " serves 100%"), now);
      return transition(r, next, e, now, CONTROLLER, split + "; promoted" + keptScaling(r), null,
          List.of(notification(NotificationType.PROMOTED, next, next.reason()
              + keptScaling(r))));
    }
    if (r.state() == ROLLING_BACK) {
      Rollout next = Settling.ended(applied.withState(ROLLED_BACK, -1, now,
          "rolled back: " + r.stableRevision() + " serves 100% (" + r.reason() + ")"), now);
      return transition(r, next, e, now, CONTROLLER, split + "; rolled back", null,
          List.of(notification(NotificationType.ROLLED_BACK, next, next.reason())));
    }
    if (r.state() == CANARY) {
      // The step's dwell counts from when users really get the new share, not from the
      // decision: a slow or re-driven traffic change must not shorten the observation.
      applied = applied.withState(CANARY, r.stepIndex(), now, r.reason());
      if (r.isDrill()) {
        Decision fire = DrillRules.firstStepApplied(r, applied, e, now, split);
        if (fire != null) {
          return fire;
        }
      }
    }
    // A superseded candidate back at 0%, or an ended rollout's split re-applied: checked again.
    return transition(r, Settling.ended(applied, now), e, now, CONTROLLER, split, null,
        List.of());
  }
}
