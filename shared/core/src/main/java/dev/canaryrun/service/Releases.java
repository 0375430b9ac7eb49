package dev.canaryrun.service;

import dev.canaryrun.policy.RegionPlan;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.port.RolloutStore;
import dev.canaryrun.rollout.ReleasePlan;
import dev.canaryrun.rollout.ReleaseSlot;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import dev.canaryrun.rollout.RolloutEvent.NewerBuild;
import dev.canaryrun.rollout.RolloutEvent.ReleaseStopped;
import dev.canaryrun.rollout.RolloutIds;
import dev.canaryrun.rollout.RolloutState;
import java.time.Clock;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Carries out what {@link ReleasePlan} decides for a release across regions: the next wave's
 * rollouts, a stop sent to the regions a failure rolls back, a newer release's step-aside.
 * Asked after a decision loop moved a rollout of a release (promoted, rolling back, rolled
 * back, failed, superseded) and by every tick for the releases it lists, as the safety net for
 * a lost invocation.
 *
 * <p>Everything it does is idempotent on stored state: a region's rollout has one id per
 * release ({@code <release>@<region>}, created once by the store's transaction, which also
 * holds the region's pointer), and a stop has one event id per release (deduplicated per
 * rollout). So concurrent, duplicate and late asks (the same function running in several
 * regions at once) do each thing at most once. After it starts a wave it asks again: a
 * failure saved while the wave was being created is then seen, by this ask or by the one that
 * saved the failure, since each reads after its own write.
 *
 * <p>Nothing calls back into a running loop: within one invocation the asks are queued on the
 * thread ({@link #session}) and carried out when its outermost loop is done, so a failing
 * region's own rollback is applied before the others are told.
 */
final class Releases {
  /** The states a region enters that may make its release do something. */
  private static final Set<RolloutState> MOVES = EnumSet.of(RolloutState.PROMOTED,
      RolloutState.ROLLING_BACK, RolloutState.ROLLED_BACK, RolloutState.FAILED,
      RolloutState.SUPERSEDED);

  private final RolloutStore store;
  private final Clock clock;
  private final ThreadLocal<Map<String, Ask>> pending = new ThreadLocal<>();
  private DecisionLoop loop;
  private StartFromBuild starts;

  private record Ask(String releaseId, RolloutPolicy policy, String cause) {}

  Releases(RolloutStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Wiring: the loop and the starts are built with this (each needs the other). */
  void wire(DecisionLoop l, StartFromBuild s) {
    this.loop = l;
    this.starts = s;
  }

  /** Whether {@code stored}, as a save left it, may move its release. */
  static boolean moves(Rollout stored) {
    return stored.releaseId() != null && MOVES.contains(stored.state());
  }

  /**
   * Runs {@code body} (a decision loop's work), then the releases it moved. Nested sessions
   * (a loop run by a release's own step) queue into the outermost.
   */
  <T> T session(Supplier<T> body) {
    if (pending.get() != null) {
      return body.get();
    }
    Map<String, Ask> asks = new LinkedHashMap<>();
    pending.set(asks);
    try {
      T result = body.get();
      while (!asks.isEmpty()) {
        Ask next = asks.values().iterator().next();
        asks.remove(next.releaseId());
        once(next);
      }
      return result;
    } finally {
      pending.remove();
    }
  }

  /** A save moved {@code stored} (a region of a release): its release is asked. */
  void moved(Rollout stored, String cause) {
    drive(stored.releaseId(), stored.policy(), cause);
  }

  /** Asks the release what it does next, now or, inside a session, when the session ends. */
  void drive(String releaseId, RolloutPolicy policy, String cause) {
    Map<String, Ask> asks = pending.get();
    if (asks != null) {
      asks.putIfAbsent(releaseId, new Ask(releaseId, policy, cause));
      return;
    }
    session(() -> {
      pending.get().put(releaseId, new Ask(releaseId, policy, cause));
      return null;
    });
  }

  private void once(Ask ask) {
    RegionPlan plan = ask.policy().regions();
    Map<String, Rollout> rollouts = new LinkedHashMap<>();
    Map<String, RolloutState> states = new LinkedHashMap<>();
    String newer = null;
    for (String region : plan.regions()) {
      store.find(RolloutIds.inRelease(ask.releaseId(), region)).ifPresent(r -> {
        rollouts.put(region, r);
        states.put(region, r.state());
      });
    }
    if (rollouts.isEmpty()) {
      return; // the first wave was never created (refused, out of order): nothing to drive
    }
    for (Rollout r : rollouts.values()) {
      String last = store.pointer(r.service(), r.region())
          .map(RolloutStore.ServicePointer::lastRolloutId).orElse(null);
      // A later rollout took this region: the release was overtaken. A rollback drill is not
      // a release (it puts the stable image back in its place), so it overtakes nothing.
      if (last != null && !last.equals(r.id())
          && !store.find(last).map(Rollout::isDrill).orElse(false)) {
        newer = last;
      }
    }
    ReleasePlan.Next next = ReleasePlan.next(plan, states, newer != null);
    if (!next.acts()) {
      return;
    }
    Rollout any = rollouts.values().iterator().next();
    DecisionLog.info("release " + ask.releaseId() + " of " + any.service() + ": " + next.why(),
        "releaseId", ask.releaseId(), "service", any.service(), "eventId", ask.cause(),
        "standing", next.standing().name());
    String failed = next.why();
    for (String region : next.rollBack()) {
      Rollout r = rollouts.get(region);
      loop.apply(r.id(), r, Work.of(new ReleaseStopped(FollowUpIds.releaseStop(ask.releaseId()),
          clock.instant(), ask.releaseId(), failed)));
    }
    for (String region : next.stepAside()) {
      Rollout r = rollouts.get(region);
      loop.apply(r.id(), r, Work.of(new NewerBuild(FollowUpIds.releaseAside(ask.releaseId()),
          clock.instant(), newer == null ? "a newer release" : newer)));
    }
    for (String region : next.start()) {
      BuildSucceeded e = new BuildSucceeded(FollowUpIds.releaseWave(ask.releaseId(), next.wave()),
          any.builtAt(), any.service(), region, any.image(), any.buildId(), null);
      starts.startIn(e, ask.policy(), new ReleaseSlot(ask.releaseId(), next.wave(), false));
    }
    if (!next.start().isEmpty()) {
      // Read again after creating: a failure saved meanwhile stops what was just started.
      pending.get().putIfAbsent(ask.releaseId(), ask);
    }
  }
}
