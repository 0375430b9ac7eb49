package dev.canaryrun.rollout;

import dev.canaryrun.judge.JudgeState;
import dev.canaryrun.judge.Judgement;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.policy.BakeSettings;
import dev.canaryrun.policy.ControlMode;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import dev.canaryrun.rollout.RolloutEvent.Command;
import dev.canaryrun.rollout.RolloutEvent.DeployCompleted;
import dev.canaryrun.rollout.RolloutEvent.NewerBuild;
import dev.canaryrun.rollout.RolloutEvent.SmokeCheckFailed;
import dev.canaryrun.rollout.RolloutEvent.SmokeCheckPassed;
import dev.canaryrun.rollout.RolloutEvent.TrafficApplied;
import java.time.Instant;
import java.util.Map;

/** Builds rollouts in every state by driving the real machine from a build event. */
final class Rollouts {
  static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  static final String SERVICE = "checkout";
  static final String STABLE = "checkout-00041-abc";
  static final RolloutMachine MACHINE = new RolloutMachine();
  static final BakeSettings BAKE = new BakeSettings(java.time.Duration.ofMinutes(30), "previous");

  private Rollouts() {}

  static BuildSucceeded build(String buildId) {
    return adopting(buildId, null);
  }

  static Rollout in(RolloutState s) {
    return in(s, RolloutPolicy.defaults());
  }

  static Rollout in(RolloutState s, RolloutPolicy policy) {
    if (s == RolloutState.OBSERVING || s == RolloutState.OBSERVED) {
      return observing(s, policy.withMode(ControlMode.OBSERVE));
    }
    if (s == RolloutState.BAKING && !policy.bake().active()) {
      // Promoted with a 30-minute bake: Cloud Run serves the promotion, the bake begins.
      return step(in(RolloutState.PROMOTING, policy.withBake(BAKE)),
          new TrafficApplied("a100", T0, 100));
    }
    Rollout deploying = MACHINE.start(build("b1234567"), policy, T0).next();
    Rollout verifying = verifying(deploying);
    Rollout canary = canary(verifying);
    return switch (s) {
      case DEPLOYING -> deploying;
      case VERIFYING -> verifying;
      case CANARY -> canary;
      case PAUSED -> step(canary, command("p", CommandType.PAUSE));
      case PROMOTING -> step(canary, command("pr", CommandType.PROMOTE));
      case PROMOTED -> step(in(RolloutState.PROMOTING, policy), new TrafficApplied("a100", T0, 100));
      case ROLLING_BACK -> step(canary, command("rb", CommandType.ROLLBACK));
      case ROLLED_BACK -> step(in(RolloutState.ROLLING_BACK, policy), new TrafficApplied("a0", T0, 0));
      case SUPERSEDED -> step(step(canary, new NewerBuild("n", T0, "checkout-newer")),
          new TrafficApplied("a0", T0, 0));
      case FAILED -> step(verifying, new SmokeCheckFailed("sf", T0, "503"));
      case OBSERVING, OBSERVED -> throw new IllegalStateException("observe-only: see observing");
      case BAKING -> throw new IllegalStateException("bake: see the policy with a bake above");
    };
  }

  /** Observe-only: the pipeline's revision located, then (OBSERVED) failed by the judge at 10%. */
  private static Rollout observing(RolloutState s, RolloutPolicy observe) {
    Rollout deploying = MACHINE.start(adopting("b1234567", SERVICE + "-00042-k2x"), observe, T0)
        .next();
    Rollout observing = step(deploying, new DeployCompleted("d", T0, STABLE, null));
    return s == RolloutState.OBSERVING ? observing
        : step(observing, new RolloutEvent.Tick("t", T0, null,
            judgement(observing, Outcome.FAIL), null, 10));
  }

  /** A build that names the revision it deployed itself (adopt mode; null: canaryrun deploys). */
  static BuildSucceeded adopting(String buildId, String revision) {
    return new BuildSucceeded("build-" + buildId, T0, SERVICE, "europe-west1",
        "europe-docker.pkg.dev/p/app/checkout@sha256:" + "a".repeat(64), buildId, revision);
  }

  static final String DRILL_ID = RolloutIds.forDrill(SERVICE, "command:drill-1");

  /** A rollback drill of {@link #STABLE}'s image in state {@code s}, driven by the machine. */
  static Rollout drillIn(RolloutState s) {
    Drill drill = new Drill("alice@example.com", "weekly drill", STABLE,
        java.util.List.of(DrillCheck.pass("permissions", "all granted", T0)));
    Rollout deploying = MACHINE.startDrill(command("command:drill-1", CommandType.DRILL), SERVICE,
        "europe-west1", DRILL_ID, "europe-docker.pkg.dev/p/app/checkout@sha256:" + "b".repeat(64),
        drill, RolloutPolicy.defaults(), T0.minusSeconds(3600), T0).next();
    Rollout verifying = verifying(deploying);
    Rollout canary = canary(verifying);
    return switch (s) {
      case DEPLOYING -> deploying;
      case VERIFYING -> verifying;
      case CANARY -> canary;
      case PAUSED -> step(canary, command("p", CommandType.PAUSE));
      case PROMOTING -> step(canary, command("pr", CommandType.PROMOTE));
      case PROMOTED -> step(drillIn(RolloutState.PROMOTING), new TrafficApplied("a100", T0, 100));
      case ROLLING_BACK -> step(canary, drillAlert(canary, DRILL_ID));
      case ROLLED_BACK -> step(drillIn(RolloutState.ROLLING_BACK), new TrafficApplied("a0", T0, 0));
      case SUPERSEDED -> step(step(canary, new NewerBuild("n", T0, "checkout-newer")),
          new TrafficApplied("a0", T0, 0));
      case FAILED -> step(verifying, new SmokeCheckFailed("sf", T0, "503"));
      // A drill never observes: it is refused on an observe-only service (StartDrill).
      // Nor bakes: a drill an operator promoted is the stable image at 100% (Finishing).
      case OBSERVING, OBSERVED, BAKING -> throw new IllegalArgumentException("no drill is " + s);
    };
  }

  /** The drill incident fired for {@code drillId}, on {@code r}'s candidate. */
  static RolloutEvent.AlertFired drillAlert(Rollout r, String drillId) {
    return new RolloutEvent.AlertFired("e-drill-alert", T0, Drill.incidentId(drillId),
        r.candidateRevision(), "canaryrun rollback drill", "drill incident", T0, drillId);
  }

  /** Deployed with no traffic (stable {@link #STABLE}), smoke check next. */
  private static Rollout verifying(Rollout deploying) {
    return step(deploying, new DeployCompleted("d", T0, STABLE,
        "https://canary---checkout-xyz.a.run.app"));
  }

  /** Smoke check passed and the first step's 5% confirmed by Cloud Run. */
  private static Rollout canary(Rollout verifying) {
    return step(step(verifying, new SmokeCheckPassed("s", T0, "200 OK")),
        new TrafficApplied("a5", T0, 5));
  }

  static Rollout step(Rollout r, RolloutEvent e) {
    Decision d = MACHINE.decide(r, e, T0);
    if (!d.saves()) {
      throw new IllegalStateException(e + " did not change " + r.state());
    }
    return d.next();
  }

  static Command command(String id, CommandType type) {
    return new Command(id, T0, type, "alice@example.com", "testing", null, null);
  }

  static Judgement judgement(Rollout r, Outcome o) {
    JudgeState before = r.judge() == null ? JudgeState.startingAt(T0) : r.judge();
    return new Judgement(new Verdict(o, o + " by test", java.util.List.of()),
        new JudgeState(before.consumedUntil().plusSeconds(60), Map.of("ticks", before.value("ticks") + 1)));
  }
}
