package dev.canaryrun.service;

import dev.canaryrun.judge.BakeJudge;
import dev.canaryrun.judge.CanaryJudge;
import dev.canaryrun.judge.Judgement;
import dev.canaryrun.port.InvocationDeadline;
import dev.canaryrun.port.RolloutStore;
import dev.canaryrun.port.TrafficRouter;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutEvent.Tick;
import dev.canaryrun.rollout.RolloutState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A timer tick: read the metrics of every judged rollout in one batch, then decide each active
 * rollout (or the one a follow-up tick targets) on its own window. Rollouts are independent
 * documents, so they are decided in parallel: store latency, not CPU, bounds a tick.
 */
final class TickRollouts implements AutoCloseable {
  private final RolloutStore store;
  private final MetricsCollector metrics;
  private final ServedShares served;
  private final CanaryJudge judge;
  private final BakeJudge bake = new BakeJudge();
  private final DecisionLoop loop;
  private final Staleness staleness;
  private final Clock clock;
  private final ExecutorService pool;
  private final Releases releases;

  TickRollouts(RolloutStore store, MetricsCollector metrics, TrafficRouter router,
      CanaryJudge judge, DecisionLoop loop, Staleness staleness, Clock clock, int parallelism,
      Releases releases) {
    this.releases = releases;
    this.store = store;
    this.metrics = metrics;
    this.served = new ServedShares(router);
    this.judge = judge;
    this.loop = loop;
    this.staleness = staleness;
    this.clock = clock;
    this.pool = Executors.newFixedThreadPool(parallelism, runnable -> {
      Thread th = new Thread(runnable, "canaryrun-tick");
      th.setDaemon(true); // never keeps a function instance or the CLI alive
      return th;
    });
  }

  List<HandleResult> handle(TickRequest t) {
    Optional<HandleResult> stale = staleness.check(t.eventId(), t.occurredAt(), t.rolloutId());
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
    Map<String, String> newer = newerRollouts(rollouts);
    List<Future<HandleResult>> futures = new ArrayList<>();
    for (Rollout r : rollouts) {
      MetricsWindow w = windows.get(r.id());
      // The pool's threads work under the tick invocation's deadline, as its own thread does.
      futures.add(pool.submit(InvocationDeadline.carry(() -> {
        // Observe-only: the split is the pipeline's, read from Cloud Run before judging at it.
        Integer share = r.state() == RolloutState.OBSERVING ? served.read(r) : null;
        // The judgement is made on the rollout as loaded: after a concurrent save, the retry
        // judges from the fresh judge state, so each bucket is still consumed exactly once.
        return loop.apply(r.id(), r, Work.building(fresh -> new Tick(
            t.eventId(), t.occurredAt(), t.expectedStep(),
            judgement(w, fresh, share), newer.get(r.id()), share)));
      })));
    }
    List<HandleResult> results = collect(futures);
    // The safety net of releases across regions: an invocation that moved a region and died
    // before its release took the next step (a wave, a stop) is made good here.
    Map<String, Rollout> releaseOf = new java.util.LinkedHashMap<>();
    rollouts.stream().filter(r -> r.releaseId() != null)
        .forEach(r -> releaseOf.putIfAbsent(r.releaseId(), r));
    releaseOf.forEach((id, r) -> releases.drive(id, r.policy(), t.eventId()));
    return results;
  }

  /**
   * The judge's verdict on the window, at the rollout's own split, or, observing, at the split
   * Cloud Run serves (none when that could not be read: nothing is consumed then).
   */
  private Judgement judgement(MetricsWindow w, Rollout fresh, Integer share) {
    if (w == null || !fresh.state().judged() || fresh.judge() == null) {
      return null;
    }
    if (fresh.state() == RolloutState.BAKING) {
      return w.bake(bake, fresh);
    }
    if (fresh.state() == RolloutState.OBSERVING) {
      return share == null ? null : w.judge(judge, fresh, share);
    }
    return w.judge(judge, fresh, fresh.traffic().candidatePercent());
  }

  /**
   * For each ended rollout still settling, the service's latest rollout when that is another
   * one: one pointer read per such rollout, and they are few (a 10-minute window each).
   */
  private Map<String, String> newerRollouts(List<Rollout> rollouts) {
    Map<String, String> newer = new java.util.HashMap<>();
    for (Rollout r : rollouts) {
      if (r.state().terminal() && r.settleAt() != null) {
        store.pointer(r.service(), r.region()).map(RolloutStore.ServicePointer::lastRolloutId)
            .filter(last -> !last.equals(r.id()))
            .ifPresent(last -> newer.put(r.id(), last));
      }
    }
    return newer;
  }

  /**
   * One rollout's transient failure does not hold up the others: it is rethrown after all have
   * been tried, and the redelivered tick is a duplicate for the rest.
   */
  private static List<HandleResult> collect(List<Future<HandleResult>> futures) {
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
        throw new TransientFailure("tick interrupted", ex);
      }
    }
    if (failure != null) {
      throw failure;
    }
    return results;
  }

  /** Stops the worker threads once the ticks in progress are done. */
  @Override
  public void close() {
    pool.shutdown();
  }
}
