package dev.canaryrun.rollout;

import dev.canaryrun.judge.Check;
import dev.canaryrun.judge.Fmt;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.policy.InconclusiveAction;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.policy.Step;
import java.time.Duration;

/**
 * Exposure-aware progression: what a step does with an INCONCLUSIVE verdict. Pure; the state
 * machine asks it on every judged tick of a CANARY rollout whose traffic is applied.
 *
 * <p>Waiting at a step only buys evidence if a PASS can come within the step's maximum dwell;
 * at low traffic it cannot, and waiting only keeps the informative 50/50 split (where a
 * regression is seen soonest, in absolute terms hurting few requests) further away. So, with
 * {@code onInconclusive} promote or rollback:
 * <ul>
 *   <li>never before the step's minimum dwell;
 *   <li>a step before the last moves on once the judge does not expect its PASS within the
 *       step's remaining maximum dwell. The harm a regression could do there is bounded by
 *       the policy: the FAIL tests keep accumulating over the whole rollout, so it is still
 *       caught at the next step, the guard rails cap its 5xx rate, and the next step gives
 *       the canary exactly the policy's next share;
 *   <li>at the last step, when the tests still waiting cannot finish within its maximum
 *       dwell: if errors passed, or at least twice the policy's 5xx effect is ruled out
 *       (the judge's anytime-valid wide PASS test), they are reported as not testable and
 *       the rollout promotes; otherwise the last step holds to its maximum dwell (the FAIL
 *       tests get the whole budget at the 50/50 split), then {@code onInconclusive} decides.
 * </ul>
 * With {@code onInconclusive} pause every step waits for a PASS and pauses at its maximum
 * dwell, as before. A step is never skipped: moving on is always to the next step.
 */
public final class StepGate {
  /** What the step does. */
  public enum Move {
    HOLD, ADVANCE, PAUSE, ROLLBACK
  }

  /** The move and its reason, with the numbers behind it. */
  public record Gate(Move move, String why) {}

  private StepGate() {}

  public static Gate onInconclusive(RolloutPolicy policy, int stepIndex, Duration dwell,
      Verdict v) {
    Step step = policy.step(stepIndex);
    boolean atMax = dwell.compareTo(step.maxDwell()) >= 0;
    if (policy.onInconclusive() == InconclusiveAction.PAUSE) {
      return new Gate(atMax ? Move.PAUSE : Move.HOLD, "");
    }
    if (dwell.compareTo(step.minDwell()) < 0) {
      return new Gate(Move.HOLD, "");
    }
    double left = (step.maxDwell().toSeconds() - dwell.toSeconds()) / 60.0;
    double expected = worst(v, "minutesToPass");
    // Whether the step can produce its evidence at all is judged from the traffic (a healthy
    // canary's expected minutes from the step's start against its maximum dwell), not from
    // the data so far: a real regression slows its PASS and must not thereby end its step.
    boolean inTime = worst(v, "minutesNeeded") <= step.maxDwell().toSeconds() / 60.0;
    String at = "after " + dwell.toSeconds() + " s at " + step.percent() + "% (minimum dwell "
        + step.minDwell().toSeconds() + " s, maximum " + step.maxDwell().toSeconds() + " s)";
    double needed = worst(v, "minutesNeeded");
    String outlook = (Double.isInfinite(needed)
        ? "at this traffic a healthy canary gathers no PASS evidence here"
        : "at this traffic a healthy canary needs about " + Fmt.num(Math.ceil(needed))
            + " min here, maximum dwell " + step.maxDwell().toMinutes() + " min")
        + "; PASS now expected " + (Double.isInfinite(expected) ? "never"
            : "in about " + Fmt.num(Math.ceil(expected)) + " min") + ", "
        + Fmt.num(Math.max(0, left)) + " min of the step left";
    if (!policy.isLastStep(stepIndex)) {
      if (inTime && !atMax) {
        return new Gate(Move.HOLD, "");
      }
      return new Gate(Move.ADVANCE, "exposure-aware progression: inconclusive " + at + "; "
          + outlook + ", so waiting buys no evidence here; moving on to the next step "
          + "(regressions are still tested there, their FAIL evidence carried over, and the "
          + "guard rails cap the canary's 5xx rate at " + Fmt.pct(policy.judge()
              .guardrailErrorRate()) + ")");
    }
    if (!inTime && (!waitingOnErrors(v) || widePassed(v))) {
      return new Gate(Move.ADVANCE, (waitingOnErrors(v)
          ? "the policy's 5xx effect cannot be ruled out in time at this traffic, but x"
              + Fmt.num(figure(v, "wideRatio")) + " is (anytime-valid, at alpha " + Fmt.num(
              policy.judge().alpha()) + ") " + at
          : "errors passed " + at) + "; tests still waiting are not testable in the step's "
          + "maximum dwell (" + outlook + "); promoting");
    }
    if (!atMax) {
      return new Gate(Move.HOLD, "");
    }
    String budget = "the policy's time budget (" + policy.timeBudget().toMinutes()
        + " min) ran out inconclusive " + at;
    return policy.onInconclusive() == InconclusiveAction.ROLLBACK
        ? new Gate(Move.ROLLBACK, budget + "; onInconclusive is rollback")
        : new Gate(Move.ADVANCE, budget + " with no regression detected; onInconclusive is "
            + "promote");
  }

  /** The slowest waiting test's figure (the judge's minutes to PASS, or needed in the step). */
  static double worst(Verdict v, String figure) {
    double worst = 0;
    for (Check c : v.checks()) {
      Double m = c.outcome() == Outcome.INCONCLUSIVE ? c.figures().get(figure) : null;
      if (m != null) {
        worst = Math.max(worst, m);
      }
    }
    return worst;
  }

  private static boolean widePassed(Verdict v) {
    return figure(v, "widePassed") > 0;
  }

  /** A figure of the errors check (NaN when absent). */
  private static double figure(Verdict v, String name) {
    for (Check c : v.checks()) {
      if (c.name().equals("errors") && c.figures().containsKey(name)) {
        return c.figures().get(name);
      }
    }
    return Double.NaN;
  }

  private static boolean waitingOnErrors(Verdict v) {
    return v.checks().stream().anyMatch(c -> c.name().equals("errors")
        && c.outcome() == Outcome.INCONCLUSIVE);
  }
}
