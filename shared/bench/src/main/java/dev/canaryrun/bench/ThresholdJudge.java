package dev.canaryrun.bench;

import dev.canaryrun.judge.BucketSelection;
import dev.canaryrun.judge.CanaryJudge;
import dev.canaryrun.judge.Check;
import dev.canaryrun.judge.Fmt;
import dev.canaryrun.judge.JudgeInput;
import dev.canaryrun.judge.JudgeState;
import dev.canaryrun.judge.Judgement;
import dev.canaryrun.judge.LatencyThresholds;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.policy.JudgeSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The classic rule, for comparison: roll back when, over the last 5 one-minute buckets with at
 * least 100 canary requests, the canary's 5xx rate exceeds 1% or its p99 exceeds 500 ms (more
 * than 1% of requests slower than 500 ms). Otherwise it passes, as such rules do, data or not.
 * State: {@code w_n_<i>}, {@code w_e_<i>}, {@code w_s_<i>} (requests, 5xx, slow requests of
 * the i-th bucket of a ring of 5), {@code w_next} (the ring's next slot).
 */
public final class ThresholdJudge implements CanaryJudge {
  static final int WINDOW = 5;
  static final double MAX_ERROR_RATE = 0.01;
  static final double MAX_P99_MS = 500;
  static final long MIN_REQUESTS = 100;

  @Override
  public Judgement judge(JudgeState state, JudgeSettings settings, JudgeInput in) {
    Map<String, Double> v = new HashMap<>(state.values());
    BucketSelection sel = BucketSelection.select(state.consumedUntil(), in);
    for (BucketSelection.Pair p : sel.pairs()) {
      int slot = (int) get(v, "w_next");
      long n = p.canary().requests().total();
      v.put("w_n_" + slot, (double) n);
      v.put("w_e_" + slot, (double) p.canary().requests().c5xx());
      double slowShare = p.canary().latency().total() == 0 ? 0
          : LatencyThresholds.survival(p.canary().latency(), MAX_P99_MS);
      v.put("w_s_" + slot, slowShare * p.canary().latency().total());
      v.put("w_next", (double) ((slot + 1) % WINDOW));
    }
    double n = 0;
    double e = 0;
    double slow = 0;
    for (int i = 0; i < WINDOW; i++) {
      n += get(v, "w_n_" + i);
      e += get(v, "w_e_" + i);
      slow += get(v, "w_s_" + i);
    }
    Map<String, Double> f = Map.of("requests", n, "errors", e, "slow", slow);
    Outcome o = Outcome.PASS;
    String why = "canary 5xx " + Fmt.pct(n > 0 ? e / n : Double.NaN) + ", slower than 500 ms "
        + Fmt.pct(n > 0 ? slow / n : Double.NaN) + " over " + Fmt.num(n) + " requests";
    if (n >= MIN_REQUESTS && (e / n > MAX_ERROR_RATE || slow / n > 0.01)) {
      o = Outcome.FAIL;
    }
    Verdict verdict = new Verdict(o, (o == Outcome.FAIL ? "threshold crossed: " : "ok: ") + why,
        List.of(new Check("threshold", o, why, f)));
    return new Judgement(verdict, new JudgeState(sel.consumedUntil(), v));
  }

  private static double get(Map<String, Double> v, String k) {
    Double d = v.get(k);
    return d == null ? 0 : d;
  }
}
