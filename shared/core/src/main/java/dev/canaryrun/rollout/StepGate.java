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
 *   <li>at the last step, tests the traffic cannot finish in time are latency quantiles only
 *       (errors passed): they are reported as not testable and the rollout promotes; waiting
 *       on errors, the last step holds to its maximum dwell (the FAIL tests get the whole
 *       budget at the 50/50 split), then {@code onInconclusive} decides.
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
    double expected = minutesToPass(v);
    boolean inTime = expected <= left;
    String at = "after " + dwell.toSeconds() + " s at " + step.percent() + "% (minimum dwell "
        + step.minDwell().toSeconds() + " s, maximum " + step.maxDwell().toSeconds() + " s)";
    String outlook = Double.isInfinite(expected)
        ? "the judge expects no PASS at this traffic"
        : "the judge expects a PASS in about " + Fmt.num(Math.ceil(expected)) + " min, "
            + Fmt.num(Math.max(0, left)) + " min of the step's maximum dwell left";
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
    if (!waitingOnErrors(v) && !inTime) {
      return new Gate(Move.ADVANCE, "errors passed " + at + "; the latency tests still "
          + "waiting are not testable at this traffic (" + outlook + "); promoting");
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

  /** The slowest waiting test's expected minutes to PASS (the judge's checks' figure). */
  static double minutesToPass(Verdict v) {
    double worst = 0;
    for (Check c : v.checks()) {
      Double m = c.outcome() == Outcome.INCONCLUSIVE ? c.figures().get("minutesToPass") : null;
      if (m != null) {
        worst = Math.max(worst, m);
      }
    }
    return worst;
  }

  private static boolean waitingOnErrors(Verdict v) {
    return v.checks().stream().anyMatch(c -> c.name().equals("errors")
        && c.outcome() == Outcome.INCONCLUSIVE);
  }
}
