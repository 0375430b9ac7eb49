package dev.canaryrun.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.policy.JudgeSettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The bake's one-sample test against the pre-release baseline. */
class BakeJudgeTest {
  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  private static final JudgeSettings S = JudgeSettings.defaults();
  private final BakeJudge judge = new BakeJudge();

  /** The rollout's totals: stable served 200,000 requests at {@code rate} before the bake. */
  private static JudgeState baseline(double rate) {
    SequentialEvidence e = SequentialEvidence.EMPTY.withTraffic(SequentialEvidence.EMPTY.step(),
        new ErrorTally(20_000, 20_000 * rate, 200_000, 200_000 * rate), 0);
    return new JudgeState(T0, e, java.util.Map.of());
  }

  private static MetricBucket minute(int i, long requests, long errors) {
    Instant start = T0.plusSeconds(60L * i);
    return new MetricBucket(start, start.plusSeconds(60),
        new RequestCounts(requests - errors, 0, 0, errors), LatencyHistogram.EMPTY,
        OptionalDouble.empty(), OptionalDouble.empty());
  }

  private Judgement run(JudgeState state, List<MetricBucket> buckets) {
    Judgement j = null;
    for (MetricBucket b : buckets) {
      j = judge.judge(state, S, new JudgeInput(List.of(b), List.of(), 100, b.end()));
      state = j.state();
    }
    return j;
  }

  @Test
  void aCandidateAsGoodAsTheBaselinePassesTheBakeWithoutAFail() {
    List<MetricBucket> b = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      b.add(minute(i, 1000, 5)); // 0.5%, the baseline
    }
    Judgement j = run(baseline(0.005), b);
    assertEquals(Outcome.INCONCLUSIVE, j.verdict().outcome(), j.verdict().summary());
    assertEquals(30_000, j.state().value(BakeJudge.REQUESTS));
    assertEquals(T0.plusSeconds(1800), j.state().consumedUntil(), "each bucket counted once");
    assertTrue(j.verdict().summary().contains("latency not tested"), j.verdict().summary());
  }

  @Test
  void aTripledFiveXxRateFailsWithItsNumbers() {
    List<MetricBucket> b = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      b.add(minute(i, 1000, 15)); // 1.5% against 0.5%
    }
    Judgement j = run(baseline(0.005), b);
    assertEquals(Outcome.FAIL, j.verdict().outcome(), j.verdict().summary());
    String text = j.verdict().checks().get(0).explanation();
    assertTrue(text.contains("baseline stable 0.5% over 200000 requests"), text);
    assertTrue(text.contains("rate above x1.5 the baseline"), text);
  }

  @Test
  void aRepeatedTickCountsNothingTwice() {
    JudgeState s = baseline(0.005);
    MetricBucket m = minute(0, 1000, 5);
    Judgement once = judge.judge(s, S, new JudgeInput(List.of(m), List.of(), 100, m.end()));
    Judgement twice = judge.judge(once.state(), S,
        new JudgeInput(List.of(m), List.of(), 100, m.end()));
    assertEquals(1000, twice.state().value(BakeJudge.REQUESTS));
  }

  @Test
  void theGuardRailFailsWithoutABaseline() {
    Judgement j = run(new JudgeState(T0, SequentialEvidence.EMPTY, java.util.Map.of()),
        List.of(minute(0, 100, 30)));
    assertEquals(Outcome.FAIL, j.verdict().outcome());
    assertTrue(j.verdict().summary().contains("guard rail"), j.verdict().summary());
    assertTrue(j.verdict().checks().get(0).explanation().contains("baseline unknown"),
        j.verdict().checks().get(0).explanation());
  }

  /**
   * Anytime validity: at a rate exactly at the null's bound (baseline x minimumErrorRatio),
   * 1,000 seeded bakes of 60 minutes fail at most alpha of the time, looked at every minute.
   */
  @Test
  void falseFailsStayBelowAlphaWhenLookedAtEveryMinute() {
    Random rnd = new Random(7);
    double bound = 0.005 * S.minimumErrorRatio();
    int fails = 0;
    int runs = 1000;
    for (int r = 0; r < runs; r++) {
      JudgeState state = baseline(0.005);
      for (int i = 0; i < 60; i++) {
        long x = 0;
        for (int k = 0; k < 500; k++) {
          x += rnd.nextDouble() < bound ? 1 : 0;
        }
        MetricBucket b = minute(i, 500, x);
        Judgement j = judge.judge(state, S, new JudgeInput(List.of(b), List.of(), 100, b.end()));
        state = j.state();
        if (j.verdict().outcome() == Outcome.FAIL) {
          fails++;
          break;
        }
      }
    }
    assertTrue(fails <= runs * S.alpha() * 1.5, fails + " false fails in " + runs);
  }
}
