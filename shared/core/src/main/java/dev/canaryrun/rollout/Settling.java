package dev.canaryrun.rollout;

import static dev.canaryrun.rollout.RolloutMachine.CONTROLLER;
import static dev.canaryrun.rollout.RolloutState.PROMOTED;
import static dev.canaryrun.rollout.Transitions.transition;

import dev.canaryrun.rollout.Effect.ObserveTraffic;
import dev.canaryrun.rollout.Effect.SetTraffic;
import dev.canaryrun.rollout.RolloutEvent.Tick;
import dev.canaryrun.rollout.RolloutEvent.TrafficObserved;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * After a rollout ends, its split is checked once more. A traffic write that was still in
 * flight when the rollout ended (a tick's 100% delayed behind an operator's rollback) can land
 * later, and the invocation that sent it may die before repairing it: without this check a
 * ROLLED_BACK candidate could serve users with nobody told. So an ended rollout stays active
 * until, after the settling window, Cloud Run is seen serving what the rollout says.
 */
final class Settling {
  /**
   * Longer than any invocation lives (the functions' timeout is at most 540 s), so every write
   * sent before the end has landed or died by then.
   */
  static final Duration WINDOW = Duration.ofMinutes(10);

  private Settling() {}

  /** Called when Cloud Run confirms the split a rollout ends with. */
  static Rollout ended(Rollout next, Instant now) {
    return next.state().terminal() ? next.settlingAt(now.plus(WINDOW)) : next;
  }

  static Decision tick(Rollout r, Tick e, Instant now) {
    if (r.settleAt() == null || r.traffic().pending()) {
      return Decision.noop(r);
    }
    if (e.newerRollout() != null) {
      // A newer rollout of the service sets its split now (this candidate may well be its
      // stable revision at 95%): checking, let alone re-applying, this one's would undo it.
      return transition(r, r.settlingAt(null), e, now, CONTROLLER, "rollout "
          + e.newerRollout() + " of " + r.service() + " owns its traffic now: nothing left to"
          + " check for this one", null, List.of());
    }
    if (now.isBefore(r.settleAt())) {
      return Decision.noop(r);
    }
    return Decision.changed(r,
        List.of(new ObserveTraffic(r.service(), r.region(), r.candidateRevision())), List.of());
  }

  static Decision observed(Rollout r, TrafficObserved e, Instant now) {
    if (!r.state().terminal() || r.settleAt() == null || r.traffic().pending()) {
      return Decision.noop(r);
    }
    int says = r.traffic().candidatePercent();
    int serves = e.candidatePercent();
    String seen = "after the settling window Cloud Run serves the candidate " + serves + "%";
    if (serves == says) {
      return transition(r, r.settlingAt(null), e, now, CONTROLLER,
          seen + ", as the " + r.state() + " rollout says: settled", null, List.of());
    }
    if (r.state() == PROMOTED && serves == 0) {
      // All back on the previous revision: that is how a person rolls back by hand. Undoing an
      // emergency rollback would be worse than leaving a promoted candidate unserved.
      return transition(r, r.settlingAt(null), e, now, CONTROLLER,
          seen + " although the rollout was PROMOTED: a change canaryrun did not make (a"
              + " rollback by hand?); left as it is", null, List.of());
    }
    Rollout next = r.withTraffic(TrafficIntent.desired(says)).settlingAt(null);
    return transition(r, next, e, now, CONTROLLER,
        seen + " although the rollout is " + r.state() + " (a write that was still in flight"
            + " when it ended landed late): re-applying candidate " + says + "%", null,
        List.of(SetTraffic.of(next)));
  }
}
