package dev.canaryrun.judge;

import dev.canaryrun.policy.JudgeSettings;
import java.util.List;

/** The verdict's outcome and summary line from the tests' findings of one tick. */
final class VerdictText {
  private VerdictText() {}

  static Verdict verdict(SequentialEvidence e, JudgeSettings s, JudgeInput in,
      BucketSelection sel, String lateNote, double errNull, double scale, List<Check> checks,
      List<String> failures, List<String> missing) {
    String window = "buckets consumed this tick: " + sel.pairs().size() + " (to "
        + sel.consumedUntil() + ")" + lateNote;
    if (!failures.isEmpty()) {
      return new Verdict(Outcome.FAIL, "canary fails: " + String.join("; ", failures)
          + " [" + window + "]", checks);
    }
    if (e.stepCanaryRequests() == 0) {
      return new Verdict(Outcome.INCONCLUSIVE, "no canary traffic at " + in.canaryPercent()
          + "% yet: no evidence, no pass [" + window + "]", checks);
    }
    if (missing.isEmpty()) {
      return new Verdict(Outcome.PASS, "canary is not worse than stable by the effects of "
          + "interest at " + in.canaryPercent() + "% (5xx ratio x" + Fmt.num(errNull)
          + ", latency +" + Fmt.num(s.minimumLatencyIncrease() * 100) + "%" + scaleNote(scale)
          + ") and no regression detected; canary " + Fmt.num(e.totals().canaryRequests())
          + " requests, " + Fmt.pct(e.totals().canaryRate()) + " 5xx vs stable "
          + Fmt.pct(e.totals().stableRate()) + " [" + window + "]", checks);
    }
    double expected = minutesToPass(checks);
    return new Verdict(Outcome.INCONCLUSIVE, "no regression detected, but not enough evidence "
        + "yet to pass at " + in.canaryPercent() + "% (" + Fmt.num(e.stepCanaryRequests())
        + " canary requests in this step); still waiting on: " + String.join(", ", missing)
        + "; PASS expected " + Outlook.minutes(expected) + " at the current traffic"
        + "; ruled out so far: " + ErrorTest.ruledOut(e.errors()) + "; "
        + LatencyTest.ruledOut(e) + " [" + window + "]", checks);
  }

  /**
   * When the slowest waiting test is expected to pass (infinite if one never will at this
   * traffic). The machine's progression reads the same figure from the checks.
   */
  static double minutesToPass(List<Check> checks) {
    double worst = 0;
    for (Check c : checks) {
      if (c.outcome() == Outcome.INCONCLUSIVE) {
        Double m = c.figures().get("minutesToPass");
        if (m != null) {
          worst = Math.max(worst, m);
        }
      }
    }
    return worst;
  }

  private static String scaleNote(double scale) {
    return scale > 1 ? ", scaled x" + Fmt.num(scale) + " for the small share" : "";
  }
}
