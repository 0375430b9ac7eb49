package dev.canaryrun.bench;

import dev.canaryrun.judge.BucketSelection;
import dev.canaryrun.judge.CanaryJudge;
import dev.canaryrun.judge.JudgeInput;
import dev.canaryrun.judge.JudgeState;
import dev.canaryrun.judge.Judgement;
import dev.canaryrun.judge.LatencyHistogram;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.RatioEvidence;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.policy.JudgeSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The limit: Wald's SPRT that knows the scenario's true per-minute rates. H0: the canary
 * behaves like the stable revision does that minute; H1: as the canary truly does (or, for
 * a healthy canary, as the policy's smallest regression would: 5xx x minimumErrorRatio and
 * latency x (1 + minimumLatencyIncrease)). Uses only canary data (the stable's truth is
 * known), so it is more powerful than any judge that must estimate the baseline. FAIL at
 * log LR >= ln((1-beta)/alpha) with alpha = beta = policy alpha. Otherwise it PASSes: Wald's
 * lower boundary would make it hold the first, low-traffic step past its maximum dwell
 * (pausing the rollout) for exactly the regressions it is meant to time, so the oracle instead
 * ramps at the policy's fastest pace, which is what makes its time to detect a floor.
 * State: {@code llr}.
 */
public final class OracleJudge implements CanaryJudge {
  private final Scenario scenario;
  private final Instant canaryStart;

  public OracleJudge(Scenario scenario, Instant canaryStart) {
    this.scenario = scenario;
    this.canaryStart = canaryStart;
  }

  @Override
  public Judgement judge(JudgeState state, JudgeSettings s, JudgeInput in) {
    Map<String, Double> v = new HashMap<>(state.values());
    BucketSelection sel = BucketSelection.select(state.consumedUntil(), in);
    boolean healthy = scenario.canary().equals(scenario.stable());
    double llr = v.getOrDefault("llr", 0.0);
    for (BucketSelection.Pair p : sel.pairs()) {
      int minute = (int) Duration.between(canaryStart, p.start()).toMinutes();
      Scenario.Revision h0 = scenario.truth(false, minute);
      Scenario.Revision h1 = scenario.truth(true, minute);
      if (healthy) {
        h1 = new Scenario.Revision(Math.min(0.99, h0.errorRate() * s.minimumErrorRatio()),
            h0.latencyMedianMs() * (1 + s.minimumLatencyIncrease()), h0.latencySigma());
      }
      long n = p.canary().requests().total();
      long x = p.canary().requests().c5xx();
      if (h1.errorRate() != h0.errorRate() && h0.errorRate() > 0 && h0.errorRate() < 1) {
        llr += RatioEvidence.logBernoulliRatio(x, n, h1.errorRate(), h0.errorRate());
      }
      // The policy's latency warm-up applies to the oracle too: it walks the same policy.
      boolean warm = Duration.between(canaryStart, p.start()).toSeconds()
          >= s.latencyWarmupSeconds();
      if (warm && (h1.latencyMedianMs() != h0.latencyMedianMs()
          || h1.latencySigma() != h0.latencySigma())) {
        llr += histogramLlr(p.canary().latency(), h0, h1);
      }
    }
    v.put("llr", llr);
    double upper = Math.log((1 - s.alpha()) / s.alpha());
    Outcome o = llr >= upper ? Outcome.FAIL : Outcome.PASS;
    Verdict verdict = new Verdict(o, "oracle SPRT log LR " + llr, List.of());
    return new Judgement(verdict, new JudgeState(sel.consumedUntil(), v));
  }

  private static double histogramLlr(LatencyHistogram h, Scenario.Revision h0,
      Scenario.Revision h1) {
    if (h.total() == 0) {
      return 0;
    }
    double[] p0 = LatencyModel.bucketProbabilities(h0.latencyMedianMs(), h0.latencySigma());
    double[] p1 = LatencyModel.bucketProbabilities(h1.latencyMedianMs(), h1.latencySigma());
    double llr = 0;
    for (int i = 0; i < p0.length; i++) {
      long c = h.counts().get(i);
      if (c > 0 && p0[i] > 0 && p1[i] > 0) {
        llr += c * Math.log(p1[i] / p0[i]);
      }
    }
    return llr;
  }
}
