package dev.canaryrun.rollout;

import static dev.canaryrun.rollout.Rollouts.MACHINE;
import static dev.canaryrun.rollout.Rollouts.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.judge.Check;
import dev.canaryrun.judge.JudgeState;
import dev.canaryrun.judge.Judgement;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.policy.InconclusiveAction;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.rollout.RolloutEvent.Tick;
import dev.canaryrun.rollout.RolloutEvent.TrafficApplied;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StepGateTest {
  private static final RolloutPolicy P = RolloutPolicy.defaults();

  private static Verdict waiting(double errorsMinutes, double latencyMinutes) {
    return new Verdict(Outcome.INCONCLUSIVE, "waiting", List.of(
        new Check("errors", errorsMinutes == 0 ? Outcome.PASS : Outcome.INCONCLUSIVE, "e",
            Map.of("minutesToPass", errorsMinutes, "minutesNeeded", errorsMinutes)),
        new Check("latency-p99", Outcome.INCONCLUSIVE, "l", Map.of("minutesToPass",
            latencyMinutes, "minutesNeeded", latencyMinutes))));
  }

  private static RolloutPolicy with(InconclusiveAction a) {
    return new RolloutPolicy(P.steps(), P.judge(), P.metrics(), P.smokeCheck(), P.onNewBuild(),
        P.candidateTag(), a);
  }

  @Test
  void neverLeavesAStepBeforeItsMinimumDwell() {
    Duration justBefore = P.step(0).minDwell().minusSeconds(1);
    assertEquals(StepGate.Move.HOLD, StepGate.onInconclusive(P, 0, justBefore,
        waiting(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY)).move());
    assertEquals(StepGate.Move.ADVANCE, StepGate.onInconclusive(P, 0, P.step(0).minDwell(),
        waiting(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY)).move());
  }

  @Test
  void holdsWhileAPassIsExpectedWithinTheMaximumDwell() {
    Duration dwell = P.step(1).minDwell(); // 10 min of a 30 min maximum
    assertEquals(StepGate.Move.HOLD, StepGate.onInconclusive(P, 1, dwell, waiting(29, 5))
        .move());
    StepGate.Gate g = StepGate.onInconclusive(P, 1, dwell, waiting(31, 5));
    assertEquals(StepGate.Move.ADVANCE, g.move());
    assertTrue(g.why().contains("needs about 31 min") && g.why().contains("20 min of the step"),
        g.why());
  }

  @Test
  void theLastStepWaitsOnErrorsToItsMaximumDwellThenAppliesOnInconclusive() {
    Duration min = P.step(2).minDwell();
    Duration max = P.step(2).maxDwell();
    Verdict noPass = waiting(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
    assertEquals(StepGate.Move.HOLD, StepGate.onInconclusive(P, 2, min, noPass).move());
    assertEquals(StepGate.Move.ADVANCE, StepGate.onInconclusive(P, 2, max, noPass).move());
    assertEquals(StepGate.Move.ROLLBACK, StepGate.onInconclusive(
        with(InconclusiveAction.ROLLBACK), 2, max, noPass).move());
    // Errors passed, only latency cannot be tested in time: not testable, it does not hold.
    StepGate.Gate g = StepGate.onInconclusive(P, 2, min, waiting(0, 500));
    assertEquals(StepGate.Move.ADVANCE, g.move());
    assertTrue(g.why().contains("not testable"), g.why());
  }

  /** An errors check waiting on the policy's effect, with the wide tests' figures. */
  private static Verdict errorsWaiting(double needed, double wideNeeded, boolean widePassed,
      boolean widerPassed) {
    Map<String, Double> f = Map.of("minutesToPass", needed, "minutesNeeded", needed,
        "passRatio", 1.5, "wideRatio", 2.0, "widePassed", widePassed ? 1.0 : 0.0,
        "wideNeeded", wideNeeded, "widerRatio", 3.0, "widerPassed", widerPassed ? 1.0 : 0.0,
        "widerNeeded", 20.0);
    return new Verdict(Outcome.INCONCLUSIVE, "waiting",
        List.of(new Check("errors", Outcome.INCONCLUSIVE, "e", f)));
  }

  @Test
  void theLastStepSettlesForTheSmallestWideRatioTheTrafficCanRuleOutWithinItsHorizon() {
    Duration min = P.step(2).minDwell(); // 15 min: a horizon of 30 of the 45-min maximum
    // The policy's x1.5 is expected within the horizon: wait for it, whatever x2 says.
    assertEquals(StepGate.Move.HOLD, StepGate.onInconclusive(P, 2, min,
        errorsWaiting(29, 10, true, true)).move());
    // x1.5 needs 38 min (beyond the horizon, within the maximum dwell): x2 can be had in
    // time, so x2 ruled out promotes and x3 alone does not.
    StepGate.Gate x2 = StepGate.onInconclusive(P, 2, min, errorsWaiting(38, 15, true, true));
    assertEquals(StepGate.Move.ADVANCE, x2.move());
    assertTrue(x2.why().contains("x1.5 is not ruled out")
        && x2.why().contains("x2 or more is"), x2.why());
    assertEquals(StepGate.Move.HOLD, StepGate.onInconclusive(P, 2, min,
        errorsWaiting(38, 15, false, true)).move());
    // Not even x2 in time: x3 ruled out promotes, and the reason says what was not.
    StepGate.Gate x3 = StepGate.onInconclusive(P, 2, min, errorsWaiting(75, 31, false, true));
    assertEquals(StepGate.Move.ADVANCE, x3.move());
    assertTrue(x3.why().contains("neither x1.5 nor x2 is ruled out")
        && x3.why().contains("x3 or more is (anytime-valid, at alpha 0.01)"), x3.why());
    assertEquals(StepGate.Move.HOLD, StepGate.onInconclusive(P, 2, min,
        errorsWaiting(75, 31, false, false)).move());
    // Never before the minimum dwell; and with nothing ruled out, the maximum dwell decides.
    assertEquals(StepGate.Move.HOLD, StepGate.onInconclusive(P, 2, min.minusSeconds(1),
        errorsWaiting(75, 31, false, true)).move());
    assertEquals(StepGate.Move.ADVANCE, StepGate.onInconclusive(P, 2, P.step(2).maxDwell(),
        errorsWaiting(75, 31, false, false)).move());
  }

  @Test
  void aLatencyTestExpectedWithinTheHorizonStillHoldsAWidePass() {
    Map<String, Double> f = new java.util.HashMap<>(errorsWaiting(75, 31, false, true)
        .checks().get(0).figures());
    Verdict v = new Verdict(Outcome.INCONCLUSIVE, "waiting", List.of(
        new Check("errors", Outcome.INCONCLUSIVE, "e", f),
        new Check("latency-p50", Outcome.INCONCLUSIVE, "l",
            Map.of("minutesToPass", 5.0, "minutesNeeded", 12.0))));
    assertEquals(StepGate.Move.HOLD, StepGate.onInconclusive(P, 2, P.step(2).minDwell(), v)
        .move());
  }

  @Test
  void pauseKeepsTheEarlierBehaviour() {
    RolloutPolicy pause = with(InconclusiveAction.PAUSE);
    Verdict noPass = waiting(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
    for (int i = 0; i < 3; i++) {
      assertEquals(StepGate.Move.HOLD, StepGate.onInconclusive(pause, i,
          pause.step(i).maxDwell().minusSeconds(1), noPass).move());
      assertEquals(StepGate.Move.PAUSE, StepGate.onInconclusive(pause, i,
          pause.step(i).maxDwell(), noPass).move());
    }
  }

  /**
   * Through the machine, with verdicts drawn at random every minute: the canary's share is
   * only ever 0 or one of the policy's steps, in order, one step at a time, and no step is
   * left before its minimum dwell.
   */
  @Test
  void progressionNeverSkipsAStepNorExceedsItsShare() {
    SplittableRandom rnd = new SplittableRandom(13);
    for (int run = 0; run < 300; run++) {
      Rollout r = Rollouts.in(RolloutState.CANARY);
      Instant stepStart = T0;
      int expectedStep = 0;
      for (int m = 1; m < 200 && r.state() == RolloutState.CANARY; m++) {
        Instant now = T0.plus(Duration.ofMinutes(m));
        double draw = rnd.nextDouble();
        Outcome o = draw < 0.05 ? Outcome.PASS : Outcome.INCONCLUSIVE;
        double minutes = rnd.nextDouble() < 0.5 ? Double.POSITIVE_INFINITY : rnd.nextInt(60);
        Verdict v = new Verdict(o, "v", List.of(new Check("errors", o, "e",
            Map.of("minutesToPass", minutes, "minutesNeeded", minutes))));
        Judgement j = new Judgement(v, new JudgeState(now, Map.of("m", (double) m)));
        Rollout next = MACHINE.decide(r, new Tick("t" + m, now, null, j), now).next();
        if (next.state() == RolloutState.CANARY && next.stepIndex() != r.stepIndex()) {
          assertEquals(r.stepIndex() + 1, next.stepIndex(), "one step at a time");
          assertTrue(Duration.between(stepStart, now)
              .compareTo(P.step(r.stepIndex()).minDwell()) >= 0, "left before min dwell");
          assertEquals(P.step(next.stepIndex()).percent(), next.traffic().candidatePercent());
          next = MACHINE.decide(next, new TrafficApplied("a" + m, now,
              next.traffic().candidatePercent()), now).next();
          stepStart = now;
          expectedStep++;
        }
        if (next.state() == RolloutState.PROMOTING) {
          assertEquals(P.steps().size() - 1, r.stepIndex(), "promoted only from the last step");
        }
        assertTrue(next.traffic().candidatePercent() <= 100);
        r = next;
      }
      assertTrue(expectedStep <= P.steps().size() - 1);
      assertTrue(r.state() == RolloutState.PROMOTING || r.state() == RolloutState.CANARY,
          "ended " + r.state());
    }
  }
}
