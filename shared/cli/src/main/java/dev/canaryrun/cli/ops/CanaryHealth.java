package dev.canaryrun.cli.ops;

import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutState;

/**
 * What {@code canaryrun verdict} answers a pipeline: is this candidate healthy (PASS), not
 * (FAIL), or not decided yet (PENDING, or UNDECIDED once nothing more will come). Pure.
 *
 * <p>Observing, a PASS is the judge's on the evidence gathered at the split the pipeline set
 * (it restarts when the split changes); steering, only the promotion is a PASS, since the
 * judge's PASS at a step only lets the rollout move on.
 */
record CanaryHealth(Answer answer, String text) {
  enum Answer {
    PASS(CanaryrunCli.OK),
    FAIL(CanaryrunCli.FAILED),
    PENDING(VerdictCommand.UNDECIDED),
    UNDECIDED(VerdictCommand.UNDECIDED);

    final int exitCode;

    Answer(int exitCode) {
      this.exitCode = exitCode;
    }

    /** Whether waiting longer can change the answer. */
    boolean waitable() {
      return this == PENDING;
    }
  }

  static CanaryHealth of(Rollout r) {
    Verdict v = r.lastVerdict();
    String judged = r.candidateRevision() + (r.stableRevision() == null ? ""
        : " vs " + r.stableRevision()) + " at " + r.traffic().candidatePercent() + "%"
        + (r.policy().observeOnly() ? " (observe-only)" : "");
    String verdict = v == null ? "no verdict yet" : v.outcome() + ": " + v.summary();
    RolloutState s = r.state();
    if (v != null && v.outcome() == Outcome.FAIL) {
      return new CanaryHealth(Answer.FAIL, judged + ": " + verdict);
    }
    switch (s) {
      case ROLLING_BACK, ROLLED_BACK, FAILED, SUPERSEDED:
        return new CanaryHealth(Answer.FAIL, judged + ": " + s + " (" + r.reason() + ")");
      case PROMOTING, PROMOTED:
        return new CanaryHealth(Answer.PASS, judged + ": " + s + " (" + r.reason() + ")");
      default:
        break;
    }
    if (r.policy().observeOnly() && v != null && v.outcome() == Outcome.PASS) {
      return new CanaryHealth(Answer.PASS, judged + ": " + verdict);
    }
    if (s == RolloutState.OBSERVED) {
      return new CanaryHealth(Answer.UNDECIDED, judged + ": observation ended undecided ("
          + r.reason() + ")");
    }
    return new CanaryHealth(Answer.PENDING, judged + ": " + s + ", " + verdict);
  }
}
