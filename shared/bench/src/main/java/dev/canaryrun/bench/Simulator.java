package dev.canaryrun.bench;

import dev.canaryrun.judge.CanaryJudge;
import dev.canaryrun.judge.JudgeInput;
import dev.canaryrun.judge.Judgement;
import dev.canaryrun.judge.LateData;
import dev.canaryrun.judge.LatencyHistogram;
import dev.canaryrun.judge.MetricBucket;
import dev.canaryrun.judge.RequestCounts;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.policy.Step;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutEvent;
import dev.canaryrun.rollout.RolloutMachine;
import dev.canaryrun.rollout.RolloutState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * One simulated rollout: per-minute traffic for both revisions, judged every minute by the
 * given judge and driven through the production {@link RolloutMachine}, so step dwell,
 * promotion and the pause at maximum dwell are the real ones. A bucket becomes visible
 * {@code metricDelayMinutes} after it ends, but for the share of its points the scenario makes
 * later still ({@link Scenario.Late}); the judge is handed the visible buckets of the look-back
 * (including ones it has already consumed, as the controller's re-read of them does).
 */
public final class Simulator {
  static final Instant T0 = Instant.parse("2025-01-06T10:00:00Z");
  /** As the controller does: the look-back of consumed buckets (for late points), and more. */
  private static final int REREAD_MINUTES = (int) LateData.READ_BACK.toMinutes();

  /** How a run ended. */
  public enum End {
    ROLLBACK, PROMOTE, UNDECIDED
  }

  /**
   * @param minute the minute (since the canary's first traffic) at which the decision was made
   * @param excessBad requests the canary served badly beyond what the stable revision would
   *     have (expected 5xx excess plus expected excess of requests slower than the stable's
   *     true p99), until the decision
   */
  public record Run(End end, int minute, double excessBad) {}

  private final RolloutPolicy policy;
  private final RolloutMachine machine = new RolloutMachine();

  public Simulator(RolloutPolicy policy) {
    this.policy = policy;
  }

  /**
   * Where a run's minutes come from: drawn for a scenario at the canary's share, or given (a
   * recorded history, whose counts do not depend on the share).
   */
  interface Minutes {
    /** Minute m's canary and stable parts, by how many minutes late each becomes visible. */
    MetricBucket[][] minute(int m, Instant start, Instant end, int share);

    /** Bad requests the canary served beyond the stable revision's, so far. */
    default double excess() {
      return 0;
    }
  }

  /** Runs one rollout; {@code judges} builds the judge for the scenario and canary start. */
  public Run run(Scenario sc, long seed, BiFunction<Scenario, Instant, CanaryJudge> judges) {
    SplittableRandom rnd = new SplittableRandom(seed);
    CanaryJudge judge = judges.apply(sc, T0);
    int maxMinutes = sc.metricDelayMinutes() + 10;
    for (Step s : policy.steps()) {
      maxMinutes += (int) s.maxDwell().toMinutes();
    }
    double slowThreshold = sc.stable().latencyMedianMs()
        * Math.exp(2.3263478740408408 * sc.stable().latencySigma());
    double mean = sc.requestsPerSecond() * 60;
    Minutes drawn = new Minutes() {
      double excess;

      @Override
      public MetricBucket[][] minute(int m, Instant start, Instant end, int share) {
        Scenario.Revision tc = sc.truth(true, m);
        Scenario.Revision ts = sc.truth(false, m);
        // Requests turned away before the canary's containers are in no metric (canaryReach).
        MetricBucket bc = bucket(rnd, start, end, mean * share / 100.0 * sc.canaryReach(), tc);
        MetricBucket bs = bucket(rnd, start, end, mean * (100 - share) / 100.0, ts);
        MetricBucket[] c = LateSplit.split(rnd, bc, sc.late());
        MetricBucket[] st = LateSplit.split(rnd, bs, sc.late());
        long nc = bc.requests().total();
        excess += nc * (tc.errorRate() - ts.errorRate())
            + nc * (LatencyModel.survival(tc.latencyMedianMs(), tc.latencySigma(), slowThreshold)
            - LatencyModel.survival(ts.latencyMedianMs(), ts.latencySigma(), slowThreshold));
        return new MetricBucket[][] {c, st};
      }

      @Override
      public double excess() {
        return excess;
      }
    };
    return loop(T0, maxMinutes, sc.metricDelayMinutes(), sc.late().maxMinutes(), drawn, judge);
  }

  /**
   * The same rollout over given minutes (a recorded history: bucket i of each list is minute i
   * from {@code t0}, every point on time), judged by {@code judge}: what the bench's judge path
   * says on those numbers. Runs until the policy's time budget or the data end.
   */
  public Run replay(Instant t0, List<MetricBucket> canary, List<MetricBucket> stable,
      int metricDelayMinutes, CanaryJudge judge) {
    int maxMinutes = metricDelayMinutes + 10;
    for (Step s : policy.steps()) {
      maxMinutes += (int) s.maxDwell().toMinutes();
    }
    maxMinutes = Math.min(maxMinutes, canary.size() + metricDelayMinutes);
    Minutes given = (m, start, end, share) -> new MetricBucket[][] {
        {m < canary.size() ? canary.get(m) : MetricBucket.empty(start, end)},
        {m < stable.size() ? stable.get(m) : MetricBucket.empty(start, end)}};
    return loop(t0, maxMinutes, metricDelayMinutes, 0, given, judge);
  }

  private Run loop(Instant t0, int maxMinutes, int delay, int lateMax, Minutes source,
      CanaryJudge judge) {
    Rollout r = begin(t0);
    // Per minute: its parts by how many minutes after the on-time ones they become visible
    // (index 0: on time), and the sum visible so far, as a reader re-reading it would get.
    List<MetricBucket[]> canaryParts = new ArrayList<>();
    List<MetricBucket[]> stableParts = new ArrayList<>();
    List<MetricBucket> canary = new ArrayList<>();
    List<MetricBucket> stable = new ArrayList<>();
    for (int m = 0; m < maxMinutes; m++) {
      int share = r.traffic().candidatePercent();
      Instant start = t0.plus(Duration.ofMinutes(m));
      Instant end = start.plus(Duration.ofMinutes(1));
      MetricBucket[][] parts = source.minute(m, start, end, share);
      canaryParts.add(parts[0]);
      stableParts.add(parts[1]);

      Instant now = end;
      int visible = m + 1 - delay; // buckets 0..visible-1 are visible
      Instant finalUntil = t0.plus(Duration.ofMinutes(Math.max(0, visible)));
      int from = Math.max(0, visible - REREAD_MINUTES);
      int to = Math.max(0, visible);
      if (visible > 0) { // minute visible-1's on-time points, and late ones of earlier minutes
        canary.add(canaryParts.get(visible - 1)[0]);
        stable.add(stableParts.get(visible - 1)[0]);
        for (int j = Math.max(0, visible - 1 - lateMax); j < visible - 1; j++) {
          int k = visible - 1 - j;
          canary.set(j, LateSplit.plus(canary.get(j), canaryParts.get(j), k));
          stable.set(j, LateSplit.plus(stable.get(j), stableParts.get(j), k));
        }
      }
      JudgeInput in = new JudgeInput(canary.subList(from, to), stable.subList(from, to), share,
          finalUntil);
      Judgement j = judge.judge(r.judge(), policy.judge(), in);
      r = machine.decide(r, new RolloutEvent.Tick("tick-" + m, now, null, j), now).next();
      if (r.traffic().pending()) {
        r = machine.decide(r, new RolloutEvent.TrafficApplied("applied-" + m, now,
            r.traffic().candidatePercent()), now).next();
      }
      RolloutState st = r.state();
      if (st == RolloutState.ROLLED_BACK || st == RolloutState.ROLLING_BACK) {
        return new Run(End.ROLLBACK, m + 1, source.excess());
      }
      if (st == RolloutState.PROMOTED || st == RolloutState.PROMOTING) {
        return new Run(End.PROMOTE, m + 1, source.excess());
      }
      if (st == RolloutState.PAUSED) {
        return new Run(End.UNDECIDED, m + 1, source.excess());
      }
    }
    return new Run(End.UNDECIDED, maxMinutes, source.excess());
  }

  /** A rollout in its first step with traffic applied, as the real events produce it. */
  private Rollout begin(Instant t0) {
    Instant built = t0.minus(Duration.ofMinutes(3));
    Rollout r = machine.start(new RolloutEvent.BuildSucceeded("build-event", built, "bench",
        "europe-west1", "europe-docker.pkg.dev/p/r/bench@sha256:0", "build-1", null), policy,
        built).next();
    r = machine.decide(r, new RolloutEvent.DeployCompleted("deployed", built.plusSeconds(60),
        "bench-00001-abc", "https://canary---bench.a.run.app"), built.plusSeconds(60)).next();
    r = machine.decide(r, new RolloutEvent.SmokeCheckPassed("smoke", t0, "200"), t0).next();
    r = machine.decide(r, new RolloutEvent.TrafficApplied("applied", t0,
        r.traffic().candidatePercent()), t0).next();
    if (r.state() != RolloutState.CANARY || r.judge() == null) {
      throw new IllegalStateException("bench rollout did not reach its first step: " + r.state());
    }
    return r;
  }

  private static MetricBucket bucket(SplittableRandom rnd, Instant start, Instant end,
      double meanRequests, Scenario.Revision t) {
    double[] probs = LatencyModel.bucketProbabilities(t.latencyMedianMs(), t.latencySigma());
    LatencyHistogram h = LatencyModel.sample(rnd, meanRequests, probs);
    long n = h.total();
    long errors = Sampler.binomial(rnd, n, t.errorRate());
    return new MetricBucket(start, end, new RequestCounts(n - errors, 0, 0, errors), h,
        OptionalDouble.of(0.4), OptionalDouble.of(0.5));
  }
}
