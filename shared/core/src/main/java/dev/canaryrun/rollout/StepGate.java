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
 *   <li>the last step decides the promotion and aims to within its horizon, twice its
 *       minimum dwell (at most its maximum). A test still waiting that a healthy canary
 *       cannot finish within the horizon at this traffic is settled for what can be: errors
 *       for the smallest wide ratio the traffic can rule out in time (x2, else x3, for the
 *       default x1.5: {@code ErrorTest.WIDE}, {@code WIDER}), anytime-valid at alpha; the
 *       rest is reported as not testable, and the reason names what was and was not ruled
 *       out. A wide ratio not ruled out holds the step to its maximum dwell (the FAIL tests
 *       get the whole budget at the 50/50 split: that is what catches a real regression),
 *       then {@code onInconclusive} decides. The horizon (a 15-min last step decides within
 *       30 min) is what brings a healthy canary at 5-20 req/s to 100% in about 40 min.
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

  /** The last step's horizon, in minimum dwells (capped at its maximum dwell). */
  static final int HORIZON_DWELLS = 2;

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
    // The last step decides the promotion, and aims to within its horizon (twice its minimum
    // dwell): what cannot be had by then is settled for what can, never by waiting alone.
    double horizon = Math.min(HORIZON_DWELLS * step.minDwell().toSeconds(),
        step.maxDwell().toSeconds()) / 60.0;
    String settled = settledErrors(v, horizon, policy.judge().alpha());
    if (settled != null && !othersExpectedWithin(v, horizon)) {
      return new Gate(Move.ADVANCE, settled + " " + at + "; tests still waiting are not "
          + "testable within the step's horizon of " + Fmt.num(horizon) + " min (" + outlook
          + "); promoting");
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

  /**
   * How the errors test is settled at the last step, as the reason's opening words, or null
   * while it is not: it passed; or the policy's effect cannot be ruled out within the horizon
   * at this traffic and the smallest wide ratio that can (x2, else x3 for the default) is.
   * A wide ratio the traffic could rule out in time is required even when a wider one passed,
   * so a regression between the two is still held for the FAIL tests.
   */
  private static String settledErrors(Verdict v, double horizon, double alpha) {
    if (!waitingOnErrors(v)) {
      return "errors passed";
    }
    if (figure(v, "minutesNeeded") <= horizon) {
      return null; // the policy's own effect can be ruled out in time: wait for it
    }
    boolean wideInTime = figure(v, "wideNeeded") <= horizon;
    String route = wideInTime || figure(v, "widePassed") > 0 ? "wide" : "wider";
    if (!(figure(v, route + "Passed") > 0)) {
      return null;
    }
    String notRuledOut = "wide".equals(route)
        ? "x" + Fmt.num(figure(v, "passRatio")) + " is not ruled out"
        : "neither x" + Fmt.num(figure(v, "passRatio")) + " nor x"
            + Fmt.num(figure(v, "wideRatio")) + " is ruled out";
    return "the policy's 5xx effect cannot be ruled out in time at this traffic: "
        + notRuledOut + ", a 5xx ratio of x" + Fmt.num(figure(v, route + "Ratio"))
        + " or more is (anytime-valid, at alpha " + Fmt.num(alpha) + ")";
  }

  /** Whether a waiting test other than errors is expected to finish within the horizon. */
  private static boolean othersExpectedWithin(Verdict v, double horizon) {
    for (Check c : v.checks()) {
      Double m = c.outcome() == Outcome.INCONCLUSIVE && !c.name().equals("errors")
          ? c.figures().get("minutesNeeded") : null;
      if (m != null && m <= horizon) {
        return true;
      }
    }
    return false;
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
