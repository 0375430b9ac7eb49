package dev.canaryrun.backtest;

import dev.canaryrun.judge.Check;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the controller would have done with one transition of the history, and why.
 *
 * @param call what the rollout would have come to
 * @param minute minutes from the candidate's first traffic to the decision (the tick's time;
 *     for {@link Call#UNDECIDED}, the minutes of comparable history)
 * @param at when the decision would have been made; null when undecided
 * @param verdict the judge's last verdict: at the decision, else when the history moved on
 *     (null if no tick could read a bucket before it did)
 * @param message the decision's own explanation (the audit message the controller writes)
 * @param steps the policy's steps the rollout walked, with when each began
 * @param exposureOnly a FAIL from the exposure check alone: the history served the candidate
 *     under half the share this policy's step gives it, which says nothing of the revision
 */
public record ReplayResult(Transition transition, Call call, int minute, Instant at,
    Verdict verdict, String message, List<StepAt> steps, boolean exposureOnly) {

  /** The name of the judge's exposure check ({@code judge.ExposureCheck}). */
  static final String EXPOSURE = "exposure";

  /** The rollout's end in the replay. */
  public enum Call {
    /** Rolled back: a FAIL, or the policy's onInconclusive at the end of its budget. */
    ROLLBACK,
    /** Promoted: a PASS at the last step, or onInconclusive. */
    PROMOTE,
    /** Paused for a person (onInconclusive: pause). */
    PAUSE,
    /** The history moved on (or ended) before the judge decided. */
    UNDECIDED
  }

  /** A step and when the replay entered it. */
  public record StepAt(int percent, Instant from) {}

  public ReplayResult {
    Objects.requireNonNull(transition, "transition");
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(message, "message");
    steps = List.copyOf(steps);
  }

  static ReplayResult of(Transition t, Call call, int minute, Instant at, Verdict v,
      String message, List<StepAt> steps) {
    return new ReplayResult(t, call, minute, at, v, message, steps, exposureOnly(v));
  }

  static ReplayResult undecided(Transition t, Verdict last, List<StepAt> steps,
      Duration compared) {
    String why = "the history moved on before the judge decided: "
        + switch (t.ended()) {
          case PROMOTED -> t.stable().revision() + " stopped serving (promoted)";
          case ROLLED_BACK -> t.candidate().revision() + " stopped serving (rolled back)";
          case SUPERSEDED -> "a newer revision started serving";
          case STILL_SPLIT -> "the history ends";
        } + " after " + compared.toMinutes() + " min";
    return new ReplayResult(t, Call.UNDECIDED, (int) compared.toMinutes(), null, last, why,
        steps, false);
  }

  public String location() {
    return transition.location();
  }

  /** The verdict's outcome, INCONCLUSIVE when there was none. */
  public Outcome outcome() {
    return verdict == null ? Outcome.INCONCLUSIVE : verdict.outcome();
  }

  private static boolean exposureOnly(Verdict v) {
    if (v == null || v.outcome() != Outcome.FAIL) {
      return false;
    }
    boolean exposure = false;
    for (Check c : v.checks()) {
      if (c.outcome() == Outcome.FAIL) {
        if (!c.name().equals(EXPOSURE)) {
          return false;
        }
        exposure = true;
      }
    }
    return exposure;
  }
}
