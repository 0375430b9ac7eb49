package dev.canaryrun.judge;

import dev.canaryrun.policy.JudgeSettings;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The judge of the bake after 100%: the candidate serves everyone, so there is no stable
 * revision to compare with at the same moment; its 5xx rate is tested against the stable
 * revision's rate over the rollout (the pre-release baseline, from the sequential judge's
 * totals), taken as known. Pure.
 *
 * <p>The test is a one-sample e-process: H0 "the candidate's 5xx rate is at most the baseline
 * times the policy's {@code minimumErrorRatio}" (the baseline floored at
 * {@link SequentialJudge#ERROR_RATE_FLOOR}), against an even mixture of alternatives 1.5x to
 * 10x that bound. Each alternative's likelihood ratio is a supermartingale under any rate in
 * H0, so the mixture's e-value crossing 1/alpha fails with at most alpha false alarms however
 * long the bake runs. The guard rail (5xx rate above {@code guardrailErrorRate}) fails too.
 * Latency is not tested here (no concurrent baseline; alerts cover it), and the verdict says
 * so. Counts are kept in {@link JudgeState#values()} under {@code bake.*}.
 */
public final class BakeJudge {
  static final String REQUESTS = "bake.requests";
  static final String ERRORS = "bake.errors";
  private static final double[] ALTERNATIVES = {1.5, 2, 3, 5, 10};

  /** @param in the candidate's buckets (stable's are ignored); canaryPercent is 100 */
  public Judgement judge(JudgeState state, JudgeSettings s, JudgeInput in) {
    Instant until = state.consumedUntil();
    double n = state.value(REQUESTS);
    double x = state.value(ERRORS);
    for (MetricBucket b : in.canary()) {
      if (!b.start().isBefore(state.consumedUntil()) && !b.end().isAfter(in.finalUntil())) {
        n += b.requests().total();
        x += b.requests().c5xx();
        until = b.end().isAfter(until) ? b.end() : until;
      }
    }
    Map<String, Double> values = new HashMap<>(state.values());
    values.put(REQUESTS, n);
    values.put(ERRORS, x);
    JudgeState next = new JudgeState(until, state.evidence(), values);

    ErrorTally t = state.evidence().totals();
    double baseline = t.stableRequests() > 0 ? t.stableErrors() / t.stableRequests() : Double.NaN;
    double bound = Math.min(0.99, Math.max(Double.isNaN(baseline) ? 0 : baseline,
        SequentialJudge.ERROR_RATE_FLOOR) * s.minimumErrorRatio());
    double logE = logE(x, n, bound);
    double threshold = Math.log(1 / s.alpha());
    double rate = n > 0 ? x / n : 0;
    String counts = "candidate 5xx " + Fmt.num(x) + " of " + Fmt.num(n) + " (" + Fmt.pct(rate)
        + ") during the bake; baseline " + (Double.isNaN(baseline) ? "unknown (no stable"
            + " requests were counted during the rollout; the floor "
            + Fmt.pct(SequentialJudge.ERROR_RATE_FLOOR) + " stands in)"
            : "stable " + Fmt.pct(baseline) + " over " + Fmt.num(t.stableRequests())
                + " requests of the rollout");
    Map<String, Double> f = new HashMap<>(Map.of("bakeRequests", n, "bakeErrors", x,
        "bound", bound, "logE", logE, "logThreshold", threshold));
    if (!Double.isNaN(baseline)) {
      f.put("baselineRate", baseline);
    }
    boolean guard = n >= s.guardrailMinRequests() && rate > s.guardrailErrorRate();
    boolean fail = guard || logE >= threshold;
    String test = guard ? "5xx rate above the guard rail " + Fmt.pct(s.guardrailErrorRate())
        : fail ? "rate above x" + Fmt.num(s.minimumErrorRatio()) + " the baseline (e-value "
            + Fmt.num(Math.exp(logE)) + " >= " + Fmt.num(1 / s.alpha()) + ")"
            : "no rise above x" + Fmt.num(s.minimumErrorRatio()) + " the baseline so far"
                + " (e-value " + Fmt.num(Math.exp(logE)) + ", fails at " + Fmt.num(1 / s.alpha())
                + ")";
    Outcome o = fail ? Outcome.FAIL : Outcome.INCONCLUSIVE;
    Check errors = new Check("bake-errors", o, counts + ": " + test, f);
    Check latency = new Check("bake-latency", Outcome.INCONCLUSIVE, "latency not tested during"
        + " the bake: no concurrent baseline at 100% (Cloud Monitoring alerts cover it)",
        Map.of());
    String summary = fail ? "bake: " + test + "; " + counts
        : "bake: " + test + "; latency not tested";
    return new Judgement(new Verdict(o, summary, List.of(errors, latency)), next);
  }

  /** log of the mixture e-value for x errors in n requests against rate bound p1. */
  static double logE(double x, double n, double p1) {
    double max = Double.NEGATIVE_INFINITY;
    double[] terms = new double[ALTERNATIVES.length];
    for (int k = 0; k < ALTERNATIVES.length; k++) {
      double q = Math.min(0.999, p1 * ALTERNATIVES[k]);
      terms[k] = x * Math.log(q / p1) + (n - x) * Math.log((1 - q) / (1 - p1));
      max = Math.max(max, terms[k]);
    }
    double sum = 0;
    for (double t : terms) {
      sum += Math.exp(t - max);
    }
    return max + Math.log(sum / ALTERNATIVES.length);
  }
}
