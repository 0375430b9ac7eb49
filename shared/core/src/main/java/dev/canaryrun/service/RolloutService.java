package dev.canaryrun.service;

import dev.canaryrun.judge.CanaryJudge;
import dev.canaryrun.port.EventPublisher;
import dev.canaryrun.port.MetricsReader;
import dev.canaryrun.port.PermanentFailure;
import dev.canaryrun.port.PolicyStore;
import dev.canaryrun.port.PolicyStore.WatchedService;
import dev.canaryrun.port.RolloutStore;
import dev.canaryrun.port.RolloutStore.ServicePointer;
import dev.canaryrun.port.SaveResult;
import dev.canaryrun.port.SmokeChecker;
import dev.canaryrun.port.TrafficRouter;
import dev.canaryrun.policy.NewBuildAction;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.CommandType;
import dev.canaryrun.rollout.Decision;
import dev.canaryrun.rollout.Effect;
import dev.canaryrun.rollout.Effect.DeployRevision;
import dev.canaryrun.rollout.Effect.Notify;
import dev.canaryrun.rollout.Effect.ScheduleTick;
import dev.canaryrun.rollout.Effect.SetTraffic;
import dev.canaryrun.rollout.Effect.SmokeCheck;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutEvent;
import dev.canaryrun.rollout.RolloutEvent.AlertFired;
import dev.canaryrun.rollout.RolloutEvent.AlertResolved;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import dev.canaryrun.rollout.RolloutEvent.Command;
import dev.canaryrun.rollout.RolloutEvent.DeployCompleted;
import dev.canaryrun.rollout.RolloutEvent.DeployFailed;
import dev.canaryrun.rollout.RolloutEvent.NewerBuild;
import dev.canaryrun.rollout.RolloutEvent.SmokeCheckFailed;
import dev.canaryrun.rollout.RolloutEvent.SmokeCheckPassed;
import dev.canaryrun.rollout.RolloutEvent.Tick;
import dev.canaryrun.rollout.RolloutEvent.TrafficApplied;
import dev.canaryrun.rollout.RolloutIds;
import dev.canaryrun.rollout.RolloutMachine;
import dev.canaryrun.rollout.RolloutState;
import dev.canaryrun.service.HandleResult.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The application service: turns an incoming event into a decision of the pure
 * {@link RolloutMachine}, persists it (state, desired traffic, audit, processed event id) in
 * one store write, then carries out its effects through the ports and feeds their outcomes
 * back as events (deploy completed, smoke check passed, traffic applied).
 *
 * <p>Delivery is at-least-once and unordered, so: events are deduplicated per rollout by id;
 * a concurrent save (version conflict) reloads and decides again; a traffic intent that was
 * recorded but not applied (a crash in between) is re-applied by the next event that touches
 * the rollout, including a redelivery of the same one. Transient port failures propagate so
 * that Pub/Sub redelivers; business outcomes are results, never exceptions.
 */
public final class RolloutService implements AutoCloseable {
  private static final int MAX_CONFLICT_RETRIES = 8;
  public static final int DEFAULT_TICK_PARALLELISM = 8;

  private final RolloutStore store;
  private final PolicyStore policies;
  private final TrafficRouter router;
  private final SmokeChecker smoke;
  private final EventPublisher publisher;
  private final CanaryJudge judge;
  private final MetricsCollector metrics;
  private final Clock clock;
  private final Duration maxEventAge;
  private final RolloutMachine machine = new RolloutMachine();
  private final ExecutorService tickPool;

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
    this.tickPool = Executors.newFixedThreadPool(tickParallelism, runnable -> {
      Thread th = new Thread(runnable, "canaryrun-tick");
      th.setDaemon(true); // never keeps a function instance or the CLI alive
      return th;
    });
    this.store = store;
    this.policies = policies;
    this.router = router;
    this.smoke = smoke;
    this.publisher = publisher;
    this.judge = judge;
    this.metrics = new MetricsCollector(metrics);
    this.clock = clock;
    this.maxEventAge = maxEventAge;
  }

  /** Stops the tick's worker threads once the ticks in progress are done. */
  @Override
  public void close() {
    tickPool.shutdown();
  }

  // ---- entry points, one per function ------------------------------------------------------

  public HandleResult onBuildSucceeded(BuildSucceeded e) {
    Optional<HandleResult> stale = stale(e.eventId(), e.occurredAt(), null);
    if (stale.isPresent()) {
      return stale.get();
    }
    Optional<WatchedService> watched = policies.find(e.service());
    if (watched.isEmpty()) {
      return log(HandleResult.ignored(null, "service " + e.service()
          + " is not watched by canaryrun (no policies/" + e.service() + " document)"), e);
    }
    String id = RolloutIds.forStart(e); // by revision when adopting: one change, one rollout
    Optional<Rollout> existing = store.find(id);
    if (existing.isPresent()) {
      Rollout r = existing.get();
      redrivePending(r, e.eventId());
      carryOut(r, machine.unfinishedWork(r), e.eventId());
      return result(id, Status.DUPLICATE, "build " + e.buildId() + " already has rollout " + id
          + " (" + r.state() + "); unfinished work re-driven");
    }
    ServicePointer pointer = store.pointer(e.service()).orElse(null);
    if (pointer != null && pointer.lastRolloutId() != null) {
      Optional<Rollout> last = store.find(pointer.lastRolloutId());
      if (last.isPresent() && last.get().builtAt().isAfter(e.occurredAt())) {
        return log(HandleResult.ignored(null, "build " + e.buildId() + " finished at "
            + e.occurredAt() + ", before the build of the service's latest rollout "
            + last.get().id() + " (" + last.get().builtAt() + "): an out-of-order delivery"), e);
      }
    }
    // The in-flight rollout steps aside, unless it is this build's own, created by a copy of
    // this message delivered at the same moment.
    if (pointer != null && pointer.activeRolloutId() != null
        && !pointer.activeRolloutId().equals(id)) {
      String inFlight = pointer.activeRolloutId();
      if (watched.get().policy().onNewBuild() == NewBuildAction.IGNORE) {
        return log(HandleResult.ignored(inFlight, "rollout " + inFlight
            + " is in flight and the policy ignores newer builds (onNewBuild=ignore)"), e);
      }
      // A rollout that is finishing (PROMOTING, ROLLING_BACK) does not step aside: the no-op
      // re-drives its decided split first, so that the new candidate is compared with, and
      // later takes traffic from, the revision that really serves.
      apply(inFlight, r -> new NewerBuild(e.eventId() + "/supersede", e.occurredAt(), id));
    }
    Decision d = machine.start(e, watched.get().policy(), clock.instant());
    SaveResult saved = store.save(d.next(), 0, e.eventId(), d.audit());
    if (saved != SaveResult.SAVED) {
      return result(id, Status.DUPLICATE, "rollout " + id + " was created concurrently");
    }
    logDecision(d, e);
    carryOut(d.next().withVersion(1, clock.instant()), d.effects(), e.eventId());
    return result(id, Status.APPLIED, "rollout started for build " + e.buildId());
  }

  public List<HandleResult> onTick(TickRequest t) {
    Optional<HandleResult> stale = stale(t.eventId(), t.occurredAt(), t.rolloutId());
    if (stale.isPresent()) {
      return List.of(stale.get());
    }
    List<Rollout> rollouts;
    if (t.rolloutId() != null) {
      rollouts = store.find(t.rolloutId()).stream().toList();
      if (rollouts.isEmpty()) {
        return List.of(HandleResult.ignored(t.rolloutId(), "no rollout " + t.rolloutId()));
      }
    } else {
      rollouts = store.listActive();
    }
    Instant now = clock.instant();
    List<Rollout> judged = rollouts.stream()
        .filter(r -> r.state().judged() && r.judge() != null && r.stableRevision() != null)
        .toList();
    Map<String, MetricsWindow> windows = metrics.collect(judged, now);
    // Rollouts are independent documents, so they are decided in parallel (store latency, not
    // CPU, bounds a tick). One rollout's transient failure does not hold up the others: it is
    // rethrown after all have been tried, and the redelivered tick is a duplicate for the rest.
    List<Future<HandleResult>> futures = new ArrayList<>();
    for (Rollout r : rollouts) {
      MetricsWindow w = windows.get(r.id());
      futures.add(tickPool.submit(() -> apply(r, fresh -> new Tick(t.eventId(),
          t.occurredAt(), t.expectedStep(),
          w != null && fresh.state().judged() && fresh.judge() != null
              ? w.judge(judge, fresh)
              : null))));
    }
    List<HandleResult> results = new ArrayList<>();
    RuntimeException failure = null;
    for (Future<HandleResult> f : futures) {
      try {
        results.add(f.get());
      } catch (ExecutionException ex) {
        RuntimeException cause = ex.getCause() instanceof RuntimeException re ? re
            : new IllegalStateException(ex.getCause());
        if (failure == null) {
          failure = cause;
        } else {
          failure.addSuppressed(cause);
        }
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new dev.canaryrun.port.TransientFailure("tick interrupted", ex);
      }
    }
    if (failure != null) {
      throw failure;
    }
    return results;
  }

  public HandleResult onAlert(AlertRequest a) {
    Optional<HandleResult> stale = stale(a.eventId(), a.occurredAt(), null);
    if (stale.isPresent()) {
      return stale.get();
    }
    String target = store.pointer(a.service()).map(ServicePointer::activeRolloutId).orElse(null);
    if (target == null) {
      return HandleResult.ignored(null, "incident " + a.incidentId() + " on " + a.revision()
          + ": no rollout of " + a.service() + " is in flight");
    }
    // Same-named revisions exist in every region a build deploys to: an incident from another
    // region is not about this rollout.
    Optional<Rollout> inFlight = store.find(target);
    if (inFlight.isPresent() && !a.in(inFlight.get().region())) {
      return HandleResult.ignored(target, "incident " + a.incidentId() + " on " + a.revision()
          + " is in " + a.location() + ", rollout " + target + " is in "
          + inFlight.get().region());
    }
    RolloutEvent e = a.open()
        ? new AlertFired(a.eventId(), a.occurredAt(), a.incidentId(), a.revision(), a.policyName(),
            a.summary())
        : new AlertResolved(a.eventId(), a.occurredAt(), a.incidentId(), a.revision());
    return apply(target, r -> e);
  }

  public HandleResult onCommand(CommandRequest c) {
    Optional<HandleResult> stale = stale(c.eventId(), c.occurredAt(), c.rolloutId());
    if (stale.isPresent()) {
      return stale.get();
    }
    ServicePointer pointer = store.pointer(c.service()).orElse(null);
    String active = pointer == null ? null : pointer.activeRolloutId();
    String last = pointer == null ? null : pointer.lastRolloutId();
    boolean historical = c.command() == CommandType.RETRY || c.command() == CommandType.ROLLBACK;
    String target = c.rolloutId() != null ? c.rolloutId() : active != null ? active
        : historical ? last : null;
    if (target == null) {
      return log(new HandleResult(Status.REJECTED, null, null, "rejected "
          + c.command().name().toLowerCase() + " from " + c.actor() + ": service " + c.service()
          + " has no rollout " + (historical ? "" : "in flight")), c);
    }
    Optional<Rollout> found = store.find(target);
    if (found.isEmpty() || !found.get().service().equals(c.service())) {
      return log(new HandleResult(Status.REJECTED, target, null, "rejected "
          + c.command().name().toLowerCase() + " from " + c.actor() + ": no rollout " + target
          + " of service " + c.service()), c);
    }
    if (historical && !target.equals(active) && !target.equals(last)) {
      return rejectAudited(found.get(), c, "rollout " + target + " is not the service's latest"
          + " (latest: " + last + "); only the latest rollout can be retried or rolled back");
    }
    if (c.command() == CommandType.RETRY && active != null && !active.equals(target)) {
      return rejectAudited(found.get(), c, "rollout " + active + " is in flight");
    }
    return apply(target, r -> new Command(c.eventId(), c.occurredAt(), c.command(), c.actor(),
        c.reason(), c.expiresAt(), c.atExpiry()));
  }

  // ---- the load / decide / save / carry-out loop ---------------------------------------------

  private HandleResult apply(String rolloutId, Function<Rollout, RolloutEvent> eventFor) {
    return apply(rolloutId, null, eventFor);
  }

  /** With a rollout just listed by the tick: its first attempt needs no second read. */
  private HandleResult apply(Rollout listed, Function<Rollout, RolloutEvent> eventFor) {
    return apply(listed.id(), listed, eventFor);
  }

  private HandleResult apply(String rolloutId, Rollout preloaded,
      Function<Rollout, RolloutEvent> eventFor) {
    for (int attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      Optional<Rollout> loaded = attempt == 0 && preloaded != null
          ? Optional.of(preloaded)
          : store.find(rolloutId);
      if (loaded.isEmpty()) {
        return HandleResult.ignored(rolloutId, "no rollout " + rolloutId);
      }
      Rollout r = loaded.get();
      RolloutEvent e = eventFor.apply(r);
      // No separate "processed?" read: the save below checks the event id in its transaction,
      // and a decision is pure, so deciding on a duplicate costs nothing but CPU.
      Decision d = machine.decide(r, e, clock.instant());
      if (!d.changed()) {
        redrivePending(r, e.eventId());
        return log(new HandleResult(Status.IGNORED, rolloutId, r.state(),
            e.type() + " does not apply to " + rolloutId + " in " + r.state()
                + (r.stepIndex() >= 0 ? " at step " + (r.stepIndex() + 1) : "")), e);
      }
      SaveResult saved = store.save(d.next(), r.version(), e.eventId(), d.audit());
      if (saved == SaveResult.CONFLICT) {
        continue; // someone saved first: reload and decide on their state
      }
      if (saved == SaveResult.DUPLICATE) {
        redrivePending(r, e.eventId()); // a redelivery still repairs an unapplied intent
        return log(new HandleResult(Status.DUPLICATE, rolloutId, r.state(), "event "
            + e.eventId() + " was already applied to " + rolloutId), e);
      }
      logDecision(d, e);
      Rollout stored = d.next().withVersion(r.version() + 1, clock.instant());
      carryOut(stored, d.effects(), e.eventId());
      if (d.effects().stream().noneMatch(SetTraffic.class::isInstance)) {
        // A decision that changed something else (evidence, an incident) still leaves an
        // earlier intent unapplied: re-drive it, or a CANARY that consumes a bucket every tick
        // would never get there.
        redrivePending(stored, e.eventId());
      }
      boolean rejected = d.next().equals(r) && e instanceof Command;
      String message = d.audit().isEmpty() ? "evidence updated" : d.audit().get(0).message();
      Status status = rejected ? Status.REJECTED : Status.APPLIED;
      return d.effects().isEmpty()
          ? new HandleResult(status, rolloutId, d.next().state(), message)
          // The state after the effects' own follow-up events (e.g. ROLLED_BACK once applied).
          : result(rolloutId, status, message);
    }
    throw new dev.canaryrun.port.TransientFailure("rollout " + rolloutId + " was modified "
        + MAX_CONFLICT_RETRIES + " times concurrently; giving up so that Pub/Sub redelivers");
  }

  /** Carries out effects in order; each outcome is fed back to the machine as an event. */
  private void carryOut(Rollout r, List<Effect> effects, String cause) {
    for (Effect effect : effects) {
      if (effect instanceof DeployRevision d) {
        RolloutEvent outcome;
        try {
          TrafficRouter.Deployment dep = router.deploy(d);
          outcome = new DeployCompleted(cause + "/deployed", clock.instant(), dep.stableRevision(),
              dep.candidateUrl());
        } catch (PermanentFailure f) {
          outcome = new DeployFailed(cause + "/deploy-failed", clock.instant(), f.getMessage());
        }
        RolloutEvent ev = outcome;
        apply(r.id(), x -> ev);
      } else if (effect instanceof SmokeCheck s) {
        SmokeChecker.Result res = smoke.check(s);
        RolloutEvent ev = res.passed()
            ? new SmokeCheckPassed(cause + "/smoke", clock.instant(), res.detail())
            : new SmokeCheckFailed(cause + "/smoke", clock.instant(), res.detail());
        apply(r.id(), x -> ev);
      } else if (effect instanceof SetTraffic t) {
        applyTraffic(r.id(), t, cause);
      } else if (effect instanceof Notify n) {
        bestEffort(() -> publisher.notify(r, n), r, "notification " + n.type());
      } else if (effect instanceof ScheduleTick t) {
        bestEffort(() -> publisher.scheduleTick(t), r, "follow-up tick");
      }
    }
  }

  private void applyTraffic(String rolloutId, SetTraffic t, String cause) {
    if (!send(rolloutId, t)) {
      return; // the intent stays pending and the next event re-drives it
    }
    int p = t.candidatePercent();
    HandleResult confirmed = apply(rolloutId,
        x -> new TrafficApplied(cause + "/applied-" + p, clock.instant(), p));
    if (confirmed.status() != Status.APPLIED) {
      reassertIfOverwritten(rolloutId, p);
    }
  }

  /** Sends a split to Cloud Run; false when Cloud Run refuses it for good. */
  private boolean send(String rolloutId, SetTraffic t) {
    try {
      router.setTraffic(t);
      return true;
    } catch (PermanentFailure f) {
      // Loud, because someone must fix a permission or a config for this to ever succeed.
      DecisionLog.error("traffic change refused by Cloud Run: " + f.getMessage(), f,
          "rolloutId", rolloutId, "service", t.service(), "candidatePercent", t.candidatePercent());
      return false;
    }
  }

  /**
   * Our write of {@code written}% was not the current intent when confirmed: a concurrent
   * invocation recorded a newer one. A newer pending intent is re-driven by that confirmation
   * already; but one applied and confirmed before our (stale) write landed would be silently
   * overwritten, e.g. a ROLLED_BACK candidate left serving 20%. Write the current one again.
   */
  private void reassertIfOverwritten(String rolloutId, int written) {
    Rollout now = store.find(rolloutId).orElse(null);
    if (now == null || now.stableRevision() == null || now.traffic().pending()
        || now.traffic().candidatePercent() == written) {
      return;
    }
    DecisionLog.warn("a stale traffic write (candidate " + written + "%) may have overwritten the"
        + " applied intent: re-applying candidate " + now.traffic().candidatePercent() + "%",
        "rolloutId", rolloutId, "service", now.service());
    send(rolloutId, SetTraffic.of(now));
  }

  private void redrivePending(Rollout r, String cause) {
    if (!r.traffic().pending() || r.stableRevision() == null) {
      return;
    }
    DecisionLog.info("re-applying traffic intent recorded but not confirmed: candidate "
            + r.traffic().candidatePercent() + "%", "rolloutId", r.id(), "service", r.service(),
        "eventId", cause);
    applyTraffic(r.id(), SetTraffic.of(r), cause + "/redrive-v" + r.version());
  }

  private HandleResult rejectAudited(Rollout found, CommandRequest c, String why) {
    String msg = "rejected " + c.command().name().toLowerCase() + " from " + c.actor() + ": " + why;
    Rollout r = found;
    for (int attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      AuditEntry a = new AuditEntry(clock.instant(), c.eventId(), "Command." + c.command(),
          c.actor(), r.state(), r.state(), r.traffic().candidatePercent(),
          r.traffic().candidatePercent(), msg, null);
      SaveResult saved = store.save(r, r.version(), c.eventId(), List.of(a));
      if (saved == SaveResult.DUPLICATE) {
        return result(r.id(), Status.DUPLICATE, "event " + c.eventId() + " was already applied");
      }
      if (saved == SaveResult.SAVED) {
        return log(new HandleResult(Status.REJECTED, r.id(), r.state(), msg), c.eventId());
      }
      // A concurrent save: the audit entry must not be lost, so write it on the fresh state.
      Optional<Rollout> fresh = store.find(r.id());
      if (fresh.isEmpty()) {
        break;
      }
      r = fresh.get();
    }
    throw new dev.canaryrun.port.TransientFailure("could not audit the rejected command "
        + c.eventId() + " on " + found.id() + ": concurrent saves; Pub/Sub redelivers");
  }

  private Optional<HandleResult> stale(String eventId, Instant occurredAt, String rolloutId) {
    Duration age = Duration.between(occurredAt, clock.instant());
    if (age.compareTo(maxEventAge) <= 0) {
      return Optional.empty();
    }
    return Optional.of(log(HandleResult.ignored(rolloutId, "event " + eventId + " is "
        + age.toSeconds() + " s old (limit " + maxEventAge.toSeconds() + " s): dropped"), eventId));
  }

  private void bestEffort(Runnable action, Rollout r, String what) {
    // Notifications must never block a rollback: a failed publish is logged, not retried.
    try {
      action.run();
    } catch (RuntimeException ex) {
      DecisionLog.warn(what + " could not be published: " + ex.getMessage(), "rolloutId", r.id(),
          "service", r.service());
    }
  }

  private HandleResult result(String rolloutId, Status status, String message) {
    RolloutState state = store.find(rolloutId).map(Rollout::state).orElse(null);
    return new HandleResult(status, rolloutId, state, message);
  }

  private static void logDecision(Decision d, RolloutEvent e) {
    Rollout r = d.next();
    for (AuditEntry a : d.audit()) {
      DecisionLog.info(a.message(), "rolloutId", r.id(), "service", r.service(),
          "eventId", e.eventId(), "event", e.type(), "from", a.from().name(), "to", a.to().name(),
          "trafficBefore", a.trafficBefore(), "trafficAfter", a.trafficAfter(),
          "verdict", a.verdict() == null ? null : a.verdict().outcome().name(),
          "evidence", a.verdict() == null ? null : a.verdict().summary());
    }
  }

  private static HandleResult log(HandleResult h, RolloutEvent e) {
    return log(h, e.eventId());
  }

  private static HandleResult log(HandleResult h, String eventId) {
    DecisionLog.info(h.message(), "rolloutId", h.rolloutId(), "eventId", eventId,
        "status", h.status().name());
    return h;
  }

  private static HandleResult log(HandleResult h, CommandRequest c) {
    DecisionLog.info(h.message(), "rolloutId", h.rolloutId(), "eventId", c.eventId(),
        "service", c.service(), "status", h.status().name());
    return h;
  }
}
