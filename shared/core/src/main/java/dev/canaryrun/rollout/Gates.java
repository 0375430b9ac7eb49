package dev.canaryrun.rollout;

import static dev.canaryrun.rollout.RolloutMachine.CONTROLLER;
import static dev.canaryrun.rollout.Transitions.notification;
import static dev.canaryrun.rollout.Transitions.transition;

import dev.canaryrun.judge.Verdict;
import dev.canaryrun.policy.Gate;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.rollout.RolloutEvent.Command;
import java.time.Instant;
import java.util.List;

/**
 * Manual gates (a step's {@code gate} in the policy): when the rollout would leave a gated step,
 * it pauses there for an operator instead. {@code promote} approves (the next step, or the
 * promotion after the last: not straight to 100%), {@code rollback} refuses, and the gate's
 * timeout applies its {@code onTimeout}. The judge and the alerts keep guarding meanwhile.
 */
final class Gates {
  private Gates() {}

  /** The rollout would move on for {@code why}: it waits at the gate, the verdict in view. */
  static Decision hold(Rollout r, Rollout judged, RolloutEvent e, Instant now, Verdict v,
      String why) {
    Gate g = r.policy().step(r.stepIndex()).gate();
    Instant until = g.timeout() == null ? null : now.plus(g.timeout());
    ExpiryAction atExpiry = g.onTimeout() == Gate.OnTimeout.PROCEED ? ExpiryAction.PROCEED
        : ExpiryAction.ROLLBACK;
    String reason = "awaiting approval to leave step " + (r.stepIndex() + 1) + " ("
        + r.traffic().candidatePercent() + "%) for " + next(r.policy(), r.stepIndex())
        + ": it would move on because " + why + ": " + v.summary() + "; promote approves,"
        + " rollback refuses" + (until == null ? ""
            : "; with no decision by " + until + ": " + g.onTimeout().name().toLowerCase());
    Rollout next = judged.paused(new Pause(CONTROLLER, "gate at step " + (r.stepIndex() + 1),
        until, atExpiry, true), now, reason);
    return transition(r, next, e, now, CONTROLLER, reason, v,
        List.of(notification(NotificationType.APPROVAL_NEEDED, next, reason)));
  }

  /** An operator's promote at a gate: approved, the rollout moves on by one step. */
  static Decision approve(Rollout r, Command c, Instant now, String by) {
    Verdict v = r.lastVerdict();
    return CanaryPhase.moveOn(r, r, c, now, c.actor(), "approved at the gate of step "
        + (r.stepIndex() + 1) + by + (v == null ? "" : "; the judge said " + v.outcome() + ": "
            + v.summary()), v);
  }

  /**
   * Nobody decided in time: onTimeout. A gate that would proceed while the release schedule is
   * closed waits for the next window (still paused at the gate, still approvable).
   */
  static Decision timedOut(Rollout r, Rollout judged, RolloutEvent e, Instant now, Verdict v) {
    Pause p = r.pause();
    String what = "nobody decided at the gate of step " + (r.stepIndex() + 1) + " by "
        + p.until();
    if (p.atExpiry() == ExpiryAction.ROLLBACK) {
      return SharedMoves.rollBack(r, judged, e, now, CONTROLLER, what + "; its onTimeout is"
          + " rollback", v);
    }
    if (r.policy().schedule().closedAt(now).isPresent()) {
      return CanaryPhase.hold(r, judged);
    }
    return CanaryPhase.moveOn(r, judged, e, now, CONTROLLER, what + "; its onTimeout is proceed"
        + (v == null ? "" : "; the judge says " + v.outcome() + ": " + v.summary()), v);
  }

  private static String next(RolloutPolicy p, int i) {
    return p.isLastStep(i) ? "100% (promotion)" : p.step(i + 1).percent() + "%";
  }
}
