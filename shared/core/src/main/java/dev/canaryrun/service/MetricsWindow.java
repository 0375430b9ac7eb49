package dev.canaryrun.service;

import dev.canaryrun.judge.BakeJudge;
import dev.canaryrun.judge.CanaryJudge;
import dev.canaryrun.judge.JudgeInput;
import dev.canaryrun.judge.Judgement;
import dev.canaryrun.judge.LateData;
import dev.canaryrun.judge.MetricBucket;
import dev.canaryrun.rollout.Rollout;
import java.time.Instant;
import java.util.List;

/**
 * The final buckets one tick read for one rollout's canary and stable revisions. The judgement
 * is computed from it against the rollout as last loaded, so that a retry after a concurrent
 * save judges from the fresh judge state and buckets are still consumed exactly once.
 */
record MetricsWindow(List<MetricBucket> canary, List<MetricBucket> stable, Instant finalUntil) {

  /** The bake's verdict: the candidate's buckets against the pre-release baseline. */
  Judgement bake(BakeJudge judge, Rollout r) {
    return judge.judge(r.judge(), r.policy().judge(), new JudgeInput(canary, List.of(), 100,
        finalUntil));
  }

  /** @param canaryPercent the candidate's share the window was served at */
  Judgement judge(CanaryJudge judge, Rollout r, int canaryPercent) {
    // The look-back too: the judge counts the points that arrived late for those buckets.
    Instant from = r.judge().consumedUntil().minus(
        LateData.readBack(r.policy().metrics().alignmentPeriod()));
    JudgeInput input = new JudgeInput(
        canary.stream().filter(b -> !b.start().isBefore(from)).toList(),
        stable.stream().filter(b -> !b.start().isBefore(from)).toList(),
        canaryPercent,
        finalUntil);
    return judge.judge(r.judge(), r.policy().judge(), input);
  }
}
