package dev.canaryrun.backtest;

import dev.canaryrun.judge.CanaryJudge;
import dev.canaryrun.judge.JudgeInput;
import dev.canaryrun.judge.Judgement;
import dev.canaryrun.judge.LateData;
import dev.canaryrun.judge.MetricBucket;
import dev.canaryrun.judge.SequentialJudge;
import dev.canaryrun.policy.ControlMode;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.port.MetricsReader.RevisionKey;
import dev.canaryrun.policy.Step;
import dev.canaryrun.rollout.CommandType;
import dev.canaryrun.rollout.Decision;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutEvent;
import dev.canaryrun.rollout.RolloutMachine;
import dev.canaryrun.rollout.RolloutState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Replays one transition as the controller would have judged it: a rollout in its policy's
 * first step from the candidate's first minute of traffic, one tick a minute, each tick reading
 * the buckets that ended at least the policy's ingest delay ago plus the look-back
 * ({@code MetricsCollector} / {@code MetricsWindow}'s window), judged by the controller's
 * {@link SequentialJudge} and decided by the production {@link RolloutMachine}, so dwell,
 * exposure-aware progression, promotion, onInconclusive and the policy's schedule are the real
 * ones. Manual gates (a step's {@code gate}) are approved as soon as they hold the rollout: they
 * wait for a person, and what a backtest shows is the judge. Pure.
 *
 * <p>What it cannot replay: the traffic. The history served the split the team (or canaryrun)
 * chose then; the judge is handed the share the policy's step would have set, as the controller
 * hands it, and the real counts. The error and latency tests compare the two revisions'
 * counts as they are, so the split only sets their effect size; but the exposure check (a
 * canary receiving under half its share fails) reads the history's split against the policy's
 * step, and its FAIL then says the history served the candidate less than this policy would
 * have ({@link ReplayResult#exposureOnly}).
 */
public final class Replay {
  private final RolloutPolicy policy;
  private final CanaryJudge judge;
  private final RolloutMachine machine = new RolloutMachine();

  public Replay(RolloutPolicy policy) {
    this(policy, new SequentialJudge());
  }

  Replay(RolloutPolicy policy, CanaryJudge judge) {
    Objects.requireNonNull(policy, "policy");
    // An observe-only policy judges at the split a pipeline sets and never moves traffic; a
    // replay has no pipeline to follow, so it walks the policy's steps as control mode would.
    this.policy = policy.observeOnly() ? policy.withMode(ControlMode.CONTROL) : policy;
    this.judge = Objects.requireNonNull(judge, "judge");
  }

  public RolloutPolicy policy() {
    return policy;
  }

  public ReplayResult replay(History h, Transition t) {
    Duration p = h.alignment();
    Instant t0 = t.start();
    Rollout r = begin(t, t0);
    Duration readBack = LateData.readBack(p);
    List<ReplayResult.StepAt> steps = new ArrayList<>();
    steps.add(new ReplayResult.StepAt(r.traffic().candidatePercent(), t0));
    Judgement last = null;
    int maxTicks = maxTicks(p);
    int gates = 0;
    for (int m = 0; m < maxTicks; m++) {
      Instant now = t0.plus(p.multipliedBy(m + 1L));
      Instant finalUntil = alignDown(now.minus(policy.metrics().ingestDelay()), p);
      if (finalUntil.isAfter(t.end())) {
        break; // the history moved on: its next minutes are not a comparison of these two
      }
      Instant from = r.judge().consumedUntil().minus(readBack);
      JudgeInput in = new JudgeInput(buckets(h, t.candidate(), from, finalUntil, t0),
          buckets(h, t.stable(), from, finalUntil, t0), r.traffic().candidatePercent(),
          finalUntil);
      last = judge.judge(r.judge(), policy.judge(), in);
      Decision d = machine.decide(r, new RolloutEvent.Tick("backtest-" + m, now, null, last),
          now);
      r = d.next();
      String message = d.message();
      if (r.traffic().pending()) {
        r = machine.decide(r, new RolloutEvent.TrafficApplied("backtest-applied-" + m, now,
            r.traffic().candidatePercent()), now).next();
      }
      if (r.state() == RolloutState.PAUSED && r.pause() != null && r.pause().gate()) {
        // A manual gate waits for a person, not for evidence: the replay approves it at once
        // (as an operator's promote does), so the judge's part is what the backtest shows.
        r = machine.decide(r, new RolloutEvent.Command("backtest-approve-" + m, now,
            CommandType.PROMOTE, "backtest", "a backtest approves manual gates at once", null,
            null, RolloutEvent.ServiceRollouts.of(r.id(), r.id())), now).next();
        gates++;
        if (r.traffic().pending()) {
          r = machine.decide(r, new RolloutEvent.TrafficApplied("backtest-gate-applied-" + m,
              now, r.traffic().candidatePercent()), now).next();
        }
      }
      RolloutState st = r.state();
      if (st == RolloutState.ROLLING_BACK || st == RolloutState.ROLLED_BACK
          || st == RolloutState.PROMOTING || st == RolloutState.PROMOTED
          || st == RolloutState.BAKING || st == RolloutState.PAUSED) {
        ReplayResult.Call call = switch (st) {
          case ROLLING_BACK, ROLLED_BACK -> ReplayResult.Call.ROLLBACK;
          // A bake after 100% is not replayed: the history never had this candidate at 100%
          // when the replay would have put it there, so the decision to promote is the end.
          case PROMOTING, PROMOTED, BAKING -> ReplayResult.Call.PROMOTE;
          default -> ReplayResult.Call.PAUSE;
        };
        return ReplayResult.of(t, call, m + 1, now, last.verdict(), message
            + (gates > 0 ? " (" + gates + " manual gate(s) approved at once by the backtest)"
            : ""), steps);
      }
      if (r.traffic().candidatePercent() != steps.get(steps.size() - 1).percent()) {
        steps.add(new ReplayResult.StepAt(r.traffic().candidatePercent(), now));
      }
    }
    return ReplayResult.undecided(t, last == null ? null : last.verdict(), steps,
        Duration.between(t0, t.end()));
  }

  /** As the bench: a policy's whole time budget, the ingest delay and ten minutes' margin. */
  private int maxTicks(Duration p) {
    Duration budget = policy.metrics().ingestDelay().plus(Duration.ofMinutes(10));
    for (Step s : policy.steps()) {
      budget = budget.plus(s.maxDwell());
    }
    return (int) (budget.toNanos() / p.toNanos());
  }

  /** A rollout in its first step with traffic applied at {@code t0}, as the real events do. */
  private Rollout begin(Transition t, Instant t0) {
    Instant built = t0.minus(Duration.ofMinutes(3));
    String svc = t.candidate().service();
    Rollout r = machine.start(new RolloutEvent.BuildSucceeded("backtest-build", built, svc,
        t.location(), "backtest", "backtest", null), policy,
        built).next();
    r = machine.decide(r, new RolloutEvent.DeployCompleted("backtest-deployed",
        built.plusSeconds(60), t.stable().revision(), "https://backtest.invalid"),
        built.plusSeconds(60)).next();
    r = machine.decide(r, new RolloutEvent.SmokeCheckPassed("backtest-smoke", t0, "200"), t0)
        .next();
    r = machine.decide(r, new RolloutEvent.TrafficApplied("backtest-applied", t0,
        r.traffic().candidatePercent()), t0).next();
    if (r.state() != RolloutState.CANARY || r.judge() == null) {
      throw new IllegalStateException("backtest rollout did not reach its first step: "
          + r.state());
    }
    return r;
  }

  /** The revision's buckets starting in [max(from, t0), until), empty where no point was. */
  private static List<MetricBucket> buckets(History h, RevisionKey k, Instant from,
      Instant until, Instant t0) {
    List<MetricBucket> out = new ArrayList<>();
    Instant s = from.isBefore(t0) ? t0 : from;
    for (; s.isBefore(until); s = s.plus(h.alignment())) {
      out.add(h.bucket(k, s));
    }
    return out;
  }

  static Instant alignDown(Instant t, Duration period) {
    long ms = t.toEpochMilli();
    return Instant.ofEpochMilli(ms - Math.floorMod(ms, period.toMillis()));
  }
}
