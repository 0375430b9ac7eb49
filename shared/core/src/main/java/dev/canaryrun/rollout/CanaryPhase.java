package dev.canaryrun.rollout;

import static dev.canaryrun.rollout.RolloutMachine.CONTROLLER;
import static dev.canaryrun.rollout.RolloutState.CANARY;
import static dev.canaryrun.rollout.RolloutState.PAUSED;
import static dev.canaryrun.rollout.RolloutState.PROMOTING;
import static dev.canaryrun.rollout.Transitions.notification;
import static dev.canaryrun.rollout.Transitions.transition;

import dev.canaryrun.judge.Judgement;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.policy.Step;
import dev.canaryrun.rollout.Effect.SetTraffic;
import dev.canaryrun.rollout.RolloutEvent.Tick;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * CANARY and PAUSED at a tick: take the judge's verdict, then roll back, hold, advance a step,
 * promote, or pause for a person when the evidence will not come.
 */
final class CanaryPhase {
  /** How a rollout's reason starts while its schedule holds it (ReleaseSchedule). */
  static final String HELD = "holding at step ";

  private CanaryPhase() {}

  static Decision tick(Rollout r, Tick e, Instant now) {
    Judgement j = e.judgement();
    Rollout judged = j == null ? r : r.withJudge(j.state(), j.verdict());
    Verdict v = j == null ? null : j.verdict();
    if (v != null && v.outcome() == Outcome.FAIL) {
      return SharedMoves.rollBack(r, judged, e, now, CONTROLLER,
          "the judge failed the canary: " + v.summary(), v);
    }
    if (r.isDrill()) {
      return DrillRules.tick(r, judged, e, now); // a drill never moves past its first step
    }
    if (r.state() == PAUSED) {
      return pausedTick(r, judged, e, now, v);
    }
    Step step = r.policy().step(r.stepIndex());
    Duration dwell = Duration.between(r.stateSince(), now);
    if (!r.stableIncidents().isEmpty() && dwell.compareTo(step.maxDwell()) >= 0) {
      // A hold must not last for ever unseen: a close that overtook its open (unordered
      // delivery) would otherwise keep an incident "open" here with nobody told.
      return pause(r, judged, e, now, v, "stable incidents still open at the step's maximum dwell",
          "paused: Cloud Monitoring incident(s) "
              + String.join(", ", new TreeSet<>(r.stableIncidents()))
              + " on the stable revision still open after " + dwell.toSeconds() + " s at "
              + step.percent() + "% (maximum dwell " + step.maxDwell().toSeconds()
              + " s); an operator decides: resume, promote or rollback", "");
    }
    if (r.traffic().pending() || !r.stableIncidents().isEmpty() || v == null) {
      return hold(r, judged); // nothing to judge progress on yet
    }
    if (v.outcome() == Outcome.PASS && dwell.compareTo(step.minDwell()) >= 0) {
      return advance(r, judged, e, now, v, "the judge passed the canary after "
          + dwell.toSeconds() + " s at " + step.percent() + "% (minimum dwell "
          + step.minDwell().toSeconds() + " s)");
    }
    // What an INCONCLUSIVE step does (hold, move on, or the policy's onInconclusive at the end
    // of its time budget) is StepGate's: a pure rule of the evidence the traffic can give.
    StepGate.Gate gate = v.outcome() == Outcome.INCONCLUSIVE
        ? StepGate.onInconclusive(r.policy(), r.stepIndex(), dwell, v)
        : new StepGate.Gate(StepGate.Move.HOLD, "");
    return switch (gate.move()) {
      case ADVANCE -> advance(r, judged, e, now, v, gate.why());
      case ROLLBACK -> SharedMoves.rollBack(r, judged, e, now, CONTROLLER,
          gate.why() + ": " + v.summary(), v);
      case PAUSE -> pause(r, judged, e, now, v, "inconclusive after the step's maximum dwell",
          "paused: the judge is still inconclusive after " + dwell.toSeconds() + " s at "
              + step.percent() + "% (maximum dwell " + step.maxDwell().toSeconds()
              + " s); an operator decides: resume, promote or rollback", ". " + v.summary());
      case HOLD -> hold(r, judged);
    };
  }

  /**
   * Someone changed traffic by hand during the canary: hold there, say who and what, and leave
   * the split to the people who changed it. Resume, promote or rollback decide what follows
   * (a rollback always goes through; a resume re-applies canaryrun's split only when the
   * change is undone).
   */
  static Decision changedOutside(Rollout r, RolloutEvent.TrafficChangedOutside e, Instant now) {
    if (r.state() != CANARY) {
      return Decision.noop(r); // already held, or ending: nothing to add
    }
    String who = e.modifiedBy() == null || e.modifiedBy().isBlank() ? "someone outside canaryrun"
        : e.modifiedBy();
    String why = "paused: " + e.detail() + "; an operator decides: resume (after restoring the"
        + " split), promote or rollback";
    Rollout next = r.paused(new Pause(who, "traffic changed outside canaryrun", null,
        ExpiryAction.RESUME), now, why);
    return transition(r, next, e, now, who, why, null,
        List.of(notification(NotificationType.PAUSED, next, why)));
  }

  private static Decision pausedTick(Rollout r, Rollout judged, Tick e, Instant now, Verdict v) {
    Pause p = r.pause();
    if (!p.expiredAt(now)) {
      return hold(r, judged);
    }
    if (p.gate()) {
      return Gates.timedOut(r, judged, e, now, v);
    }
    String why = "pause by " + p.actor() + " expired at " + p.until();
    return p.atExpiry() == ExpiryAction.ROLLBACK
        ? SharedMoves.rollBack(r, judged, e, now, CONTROLLER,
            why + "; its expiry action is rollback", v)
        : SharedMoves.resume(r, judged, e, now, CONTROLLER, why + "; its expiry action is resume");
  }

  private static Decision pause(Rollout r, Rollout judged, Tick e, Instant now, Verdict v,
      String pauseReason, String why, String evidence) {
    Rollout next = judged.paused(new Pause(CONTROLLER, pauseReason, null, ExpiryAction.RESUME),
        now, why);
    return transition(r, next, e, now, CONTROLLER, why + evidence, v,
        List.of(notification(NotificationType.PAUSED, next, why)));
  }

  /**
   * Next step (or promotion after the last), for {@code why}: a PASS or StepGate's reason;
   * unless the policy's schedule is closed, which holds the step (audited once per hold).
   */
  private static Decision advance(Rollout r, Rollout judged, Tick e, Instant now, Verdict v,
      String why) {
    int i = r.stepIndex();
    java.util.Optional<String> closed = r.policy().schedule().closedAt(now);
    if (closed.isPresent()) {
      if (r.reason().startsWith(HELD)) {
        return hold(r, judged); // still held: said when the hold began
      }
      String held = HELD + (i + 1) + " at " + r.policy().step(i).percent() + "%: "
          + closed.get();
      Rollout next = judged.withState(CANARY, i, r.stateSince(), held);
      return transition(r, next, e, now, CONTROLLER, held + "; it would move on because "
          + why + ": " + v.summary(), v, List.of());
    }
    if (r.policy().step(i).gate() != null) {
      return Gates.hold(r, judged, e, now, v, why);
    }
    return moveOn(r, judged, e, now, CONTROLLER, why + ": " + v.summary(), v);
  }

  /**
   * The next step, or the promotion after the last, for {@code because} (with its numbers):
   * what a PASS, StepGate or an approved gate leads to.
   */
  static Decision moveOn(Rollout r, Rollout judged, RolloutEvent e, Instant now, String actor,
      String because, Verdict v) {
    int i = r.stepIndex();
    List<Step> steps = r.policy().steps();
    if (r.policy().isLastStep(i)) {
      Rollout next = judged.withState(PROMOTING, -1, now, "promoting: 100% to the candidate")
          .withTraffic(TrafficIntent.desired(100));
      return transition(r, next, e, now, actor, because + "; promoting to 100%", v,
          List.of(SetTraffic.of(next)));
    }
    Step s = steps.get(i + 1);
    Rollout next = judged.withState(CANARY, i + 1, now,
            "step " + (i + 2) + ": " + s.percent() + "% to the candidate")
        .withTraffic(TrafficIntent.desired(s.percent()));
    return transition(r, next, e, now, actor,
        because + "; step " + (i + 2) + " of " + steps.size() + ": " + s.percent()
            + "% for at least " + s.minDwell().toSeconds() + " s",
        v, List.of(notification(NotificationType.STEP_ADVANCED, next, next.reason()),
            SetTraffic.of(next)));
  }

  /**
   * Evidence consumed but nothing else: stored, not audited. A tick that consumed no bucket
   * changes nothing worth a write (its verdict only restates the stored evidence).
   */
  static Decision hold(Rollout r, Rollout judged) {
    return Objects.equals(r.judge(), judged.judge())
        ? Decision.noop(r)
        : Decision.changed(judged, List.of(), List.of());
  }
}
