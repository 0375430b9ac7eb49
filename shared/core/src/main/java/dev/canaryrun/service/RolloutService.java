package dev.canaryrun.service;

import dev.canaryrun.judge.CanaryJudge;
import dev.canaryrun.port.EventPublisher;
import dev.canaryrun.port.MetricsReader;
import dev.canaryrun.port.PolicyStore;
import dev.canaryrun.port.RolloutStore;
import dev.canaryrun.port.SmokeChecker;
import dev.canaryrun.port.TrafficRouter;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import dev.canaryrun.rollout.RolloutMachine;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The application's front door, one method per function: it wires the use cases
 * ({@link StartFromBuild}, {@link TickRollouts}, {@link RouteAlert}, {@link RouteCommand})
 * around one {@link DecisionLoop}, which decides with the pure {@link RolloutMachine}, saves,
 * and carries effects out through the ports with the {@link EffectRunner}.
 *
 * <p>Transient port failures propagate so that Pub/Sub redelivers; business outcomes are
 * results ({@link HandleResult}), never exceptions.
 */
public final class RolloutService implements AutoCloseable {
  public static final int DEFAULT_TICK_PARALLELISM = 8;

  private final StartFromBuild builds;
  private final TickRollouts ticks;
  private final RouteAlert alerts;
  private final RouteCommand commands;
  private final StartDrill drills;

  /** Decides up to {@link #DEFAULT_TICK_PARALLELISM} rollouts of a tick at once. */
  public RolloutService(RolloutStore store, PolicyStore policies, TrafficRouter router,
      MetricsReader metrics, SmokeChecker smoke, EventPublisher publisher, CanaryJudge judge,
      Clock clock, Duration maxEventAge) {
    this(store, policies, router, metrics, smoke, publisher, judge, clock, maxEventAge,
        DEFAULT_TICK_PARALLELISM);
  }

  public RolloutService(RolloutStore store, PolicyStore policies, TrafficRouter router,
      MetricsReader metrics, SmokeChecker smoke, EventPublisher publisher, CanaryJudge judge,
      Clock clock, Duration maxEventAge, int tickParallelism) {
    this(store, policies, router, metrics, smoke, publisher, judge, clock, maxEventAge,
        tickParallelism, Drills.NONE);
  }

  /** With rollback drills ({@link Drills}: README "Rollback drills"). */
  public RolloutService(RolloutStore store, PolicyStore policies, TrafficRouter router,
      MetricsReader metrics, SmokeChecker smoke, EventPublisher publisher, CanaryJudge judge,
      Clock clock, Duration maxEventAge, int tickParallelism, Drills drills) {
    RolloutMachine machine = new RolloutMachine();
    Releases releases = new Releases(store, clock);
    DecisionLoop loop = new DecisionLoop(store, machine,
        new EffectRunner(router, smoke, publisher, drills.incidents(), clock), clock,
        new DrillFinisher(drills.reports(), drills.probe(), store, publisher), releases);
    Staleness staleness = new Staleness(clock, maxEventAge);
    this.builds = new StartFromBuild(store, policies, machine, loop, staleness, clock, releases);
    releases.wire(loop, builds);
    this.ticks = new TickRollouts(store, new MetricsCollector(metrics), router, judge, loop, staleness,
        clock, tickParallelism, releases);
    this.alerts = new RouteAlert(store, loop, staleness);
    this.drills = new StartDrill(store, policies, machine, loop, staleness, drills.probe(),
        drills.reports(), clock);
    this.commands = new RouteCommand(store, policies, loop, staleness, this.drills, releases);
  }

  public HandleResult onBuildSucceeded(BuildSucceeded e) {
    return builds.handle(e);
  }

  public List<HandleResult> onTick(TickRequest t) {
    return ticks.handle(t);
  }

  public HandleResult onAlert(AlertRequest a) {
    return alerts.handle(a);
  }

  public HandleResult onCommand(CommandRequest c) {
    return commands.handle(c);
  }

  /**
   * A scheduled rollback drill (the weekly Cloud Scheduler job). An operator's drill comes as
   * a command ({@link #onCommand}), checked against the policy's operators, then takes the
   * same path.
   */
  public HandleResult onDrill(DrillRequest d) {
    return drills.handle(d);
  }

  /**
   * A command that failed validation: audited as rejected on the rollout it names, if it names
   * one of the service it names; empty when there is nothing to audit it on.
   */
  public Optional<HandleResult> onMalformedCommand(MalformedCommandRequest c) {
    return commands.handle(c);
  }

  /** Stops the tick's worker threads once the ticks in progress are done. */
  @Override
  public void close() {
    ticks.close();
  }
}
