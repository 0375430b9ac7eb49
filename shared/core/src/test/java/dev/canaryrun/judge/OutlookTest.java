package dev.canaryrun.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.policy.JudgeSettings;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutlookTest {
  @Test
  void klDivergenceKnownValue() {
    // 0.5 ln(0.5/0.6) + 0.5 ln(0.5/0.4)
    assertEquals(0.0204110, Outlook.klBernoulli(0.5, 0.6), 1e-6);
    assertEquals(0.0, Outlook.klBernoulli(0.3, 0.3), 1e-15);
  }

  @Test
  void minutesToPassKnownValue() {
    // 50/50 split, 100 requests a minute each, 1% events: 2 events a minute; null x1.5 gives
    // p0 = 0.5, pR = 0.6, drift 0.020411 nats per event; need ln(100) + ln 2 = 5.2983 nats.
    double m = Outlook.minutesToPass(0.01, 0, 100, 100, 0.01, 1.5);
    assertEquals(5.298317 / (0.0204110 * 2), m, 1e-3);
    assertEquals(0, Outlook.minutesToPass(0.01, 6, 100, 100, 0.01, 1.5));
    assertTrue(Double.isInfinite(Outlook.minutesToPass(0.01, 0, 0, 100, 0.01, 1.5)));
  }

  @Test
  void ratioUpperBoundKnownValue() {
    // 10 of 20 events on the canary with equal traffic: Wilson upper bound of p at z=1.6449
    // is (0.5 + 0.06764 + 1.6449 sqrt(0.0125 + 0.001691)) / 1.13527 = 0.67261, so the ratio
    // bound is 0.67261/0.32739 = 2.0545.
    assertEquals(2.0545, Outlook.ratioUpperBound(10, 10, 1000, 1000), 1e-3);
    // Twice the canary traffic halves the bound for the same events.
    assertEquals(1.0272, Outlook.ratioUpperBound(10, 10, 2000, 1000), 1e-3);
    assertTrue(Double.isNaN(Outlook.ratioUpperBound(0, 0, 100, 100)));
    assertEquals(0.03, Outlook.zeroEventRateBound(100), 1e-12);
  }

  @Test
  void theVerdictSaysWhatWasRuledOutAndWhenToExpectAPass() {
    SequentialJudge judge = new SequentialJudge();
    JudgeState s = JudgeState.startingAt(Buckets.minute(0));
    List<Judgement> js = new ArrayList<>();
    for (int m = 0; m < 8; m++) {
      Judgement j = judge.judge(s, JudgeSettings.defaults(), Buckets.input(
          List.of(Buckets.of(m, 150, 1)), List.of(Buckets.of(m, 150, 1)), 50, m + 1));
      js.add(j);
      s = j.state();
    }
    String text = js.get(7).verdict().summary();
    assertEquals(Outcome.INCONCLUSIVE, js.get(7).verdict().outcome(), text);
    // 8 vs 8 5xx over 1200 requests each: the Wilson bound on the canary's share of 16
    // events is 0.69018, a ratio of 0.69018/0.30982 = 2.2277.
    assertTrue(text.contains("no 5xx regression above x2.23 at 95% confidence"), text);
    assertTrue(text.contains("PASS expected in about"), text);
  }

  /**
   * A healthy canary at 50/50 with 2 5xx a minute between the revisions: the wide tests'
   * expected minutes are known (need ln 100 + ln 2 = 5.2983 nats; drift KL(0.5 || 2/3) =
   * 0.0588915 and KL(0.5 || 0.75) = 0.143841 nats per event), and x3 is ruled out first, then
   * x2, while x1.5 (130 min expected) is not within the hour.
   */
  @Test
  void theWideTestsExpectedMinutesAndOrder() {
    SequentialJudge judge = new SequentialJudge();
    JudgeState s = JudgeState.startingAt(Buckets.minute(0));
    int widerAt = -1;
    int wideAt = -1;
    java.util.Map<String, Double> first = null;
    for (int m = 0; m < 60; m++) {
      Judgement j = judge.judge(s, JudgeSettings.defaults(), Buckets.input(
          List.of(Buckets.of(m, 150, 1)), List.of(Buckets.of(m, 150, 1)), 50, m + 1));
      s = j.state();
      Check errors = j.verdict().checks().stream().filter(c -> c.name().equals("errors"))
          .findFirst().orElseThrow();
      assertEquals(Outcome.INCONCLUSIVE, errors.outcome(), errors.explanation());
      first = first == null ? errors.figures() : first;
      if (widerAt < 0 && errors.figures().get("widerPassed") > 0) {
        widerAt = m;
        assertTrue(errors.explanation().contains("a 5xx ratio of x3 or more is ruled out"),
            errors.explanation());
      }
      if (wideAt < 0 && errors.figures().get("widePassed") > 0) {
        wideAt = m;
      }
    }
    assertEquals(5.298317 / (0.0588915 * 2), first.get("wideNeeded"), 1e-2);
    assertEquals(5.298317 / (0.143841 * 2), first.get("widerNeeded"), 1e-2);
    assertEquals(2.0, first.get("wideRatio"));
    assertEquals(3.0, first.get("widerRatio"));
    assertTrue(widerAt >= 10 && widerAt <= 30, "x3 ruled out at minute " + widerAt);
    assertTrue(wideAt > widerAt && wideAt <= 59, "x2 ruled out at minute " + wideAt);
  }

  @Test
  void aTrickleSaysTheLatencyTestsWereSkipped() {
    SequentialJudge judge = new SequentialJudge();
    Judgement j = judge.judge(JudgeState.startingAt(Buckets.minute(0)),
        JudgeSettings.defaults(), Buckets.input(List.of(Buckets.of(0, 3, 0)),
            List.of(Buckets.of(0, 57, 0)), 5, 1));
    String text = j.verdict().summary();
    assertTrue(text.contains("latency tests skipped: 3 canary requests"), text);
    assertTrue(text.contains("no 5xx on either revision yet: canary 5xx rate below 100%"), text);
  }
}
