package dev.canaryrun.service;

import dev.canaryrun.policy.NewBuildAction;
import dev.canaryrun.port.PolicyStore;
import dev.canaryrun.port.PolicyStore.WatchedService;
import dev.canaryrun.port.RolloutStore;
import dev.canaryrun.port.RolloutStore.ServicePointer;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.rollout.Decision;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import dev.canaryrun.rollout.RolloutEvent.NewerBuild;
import dev.canaryrun.rollout.RolloutIds;
import dev.canaryrun.rollout.ReleaseSlot;
import dev.canaryrun.rollout.RolloutMachine;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.service.HandleResult.Status;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A successful build of a watched service: the in-flight rollout steps aside (unless the
 * policy says to ignore newer builds) and a rollout of the new candidate starts. A redelivered
 * build finishes what its first delivery left undone.
 */
final class StartFromBuild {
  /**
   * How often a build looks again when another rollout holds the service: a racing build's,
   * or one finishing its promotion or rollback (those do not step aside).
   */
  private static final int MAX_BUSY_RETRIES = 5;

  private final RolloutStore store;
  private final PolicyStore policies;
  private final RolloutMachine machine;
  private final DecisionLoop loop;
  private final Staleness staleness;
  private final Clock clock;
  private final Releases releases;

  StartFromBuild(RolloutStore store, PolicyStore policies, RolloutMachine machine,
      DecisionLoop loop, Staleness staleness, Clock clock, Releases releases) {
    this.releases = releases;
    this.store = store;
    this.policies = policies;
    this.machine = machine;
    this.loop = loop;
    this.staleness = staleness;
    this.clock = clock;
  }

  HandleResult handle(BuildSucceeded build) {
    Optional<HandleResult> stale = staleness.check(build.eventId(), build.occurredAt(), null);
    if (stale.isPresent()) {
      return stale.get();
    }
    // A build dated in the future would make every later real build look out of order.
    Optional<String> future = EventClock.tooNew(build.eventId(), build.occurredAt(),
        clock.instant());
    if (future.isPresent()) {
      return ignored(null, future.get(), build);
    }
    Optional<WatchedService> watched = policies.find(build.service());
    if (watched.isEmpty()) {
      return ignored(null, "service " + build.service() + " is not watched by canaryrun (no"
          + " policies/" + build.service() + " document)", build);
    }
    // The policy's region is the region, and its release rules say who may release.
    BuildAdmission admission = BuildAdmission.admit(watched.get(), build);
    if (admission instanceof BuildAdmission.Refused refused) {
      DecisionLoop.logResult(Status.REJECTED, null, refused.problem(), build.eventId());
      return new HandleResult(Status.REJECTED, null, null, refused.problem());
    }
    BuildSucceeded e = ((BuildAdmission.Admitted) admission).build();
    if (watched.get().policy().observeOnly() && e.adoptRevision() == null) {
      // canaryrun deploys nothing in observe-only mode; the revision the pipeline makes is
      // reported by Cloud Run's audit log (or by a build that names it), and judged then.
      return ignored(null, "service " + e.service() + " is observed only (policy mode observe):"
          + " build " + e.buildId() + " names no revision, so canaryrun deploys nothing and"
          + " judges the revision the pipeline makes when Cloud Run's audit log reports it", e);
    }
    RolloutPolicy policy = watched.get().policy();
    if (policy.regions().spansRegions()) {
      return startRelease(e, policy);
    }
    return startIn(e, policy, null);
  }

  /**
   * One change, one release: a rollout in each region of the first wave (the later waves are
   * the release's own next steps, {@link Releases}). A redelivery finds the release's rollouts
   * and finishes what they were doing; a region of the wave a crash left unstarted starts now.
   */
  private HandleResult startRelease(BuildSucceeded e, RolloutPolicy policy) {
    String releaseId = RolloutIds.forStart(e);
    List<HandleResult> results = new ArrayList<>();
    for (String region : policy.regions().waves().get(0)) {
      results.add(startIn(e.inRegion(region), policy,
          new ReleaseSlot(releaseId, 0, region.equals(e.region()))));
    }
    releases.drive(releaseId, policy, e.eventId());
    HandleResult first = results.get(0);
    String summary = results.stream().map(HandleResult::message)
        .collect(java.util.stream.Collectors.joining("; "));
    Status status = results.stream().anyMatch(x -> x.status() == Status.APPLIED) ? Status.APPLIED
        : first.status();
    return new HandleResult(status, first.rolloutId(), first.state(), "release " + releaseId
        + " of " + e.service() + " across " + policy.regions().regions() + ": " + summary);
  }

  /**
   * A rollout of {@code e} in its region; {@code slot} places it in a release across regions
   * (null: a release of one region). Called by {@link Releases} for the waves after the first.
   */
  HandleResult startIn(BuildSucceeded e, RolloutPolicy policy, ReleaseSlot slot) {
    // by revision when adopting: one change, one rollout; <release>@<region> in a release
    String id = slot == null ? RolloutIds.forStart(e)
        : RolloutIds.inRelease(slot.releaseId(), e.region());
    Optional<Rollout> existing = store.find(id);
    if (existing.isPresent()) {
      Rollout done = loop.resume(existing.get(), machine.unfinishedWork(existing.get()),
          e.eventId());
      return new HandleResult(Status.DUPLICATE, id, done.state(), "build " + e.buildId()
          + " already has rollout " + id + " (" + done.state() + "); unfinished work re-driven");
    }
    // The transaction that creates the rollout owns the service's pointer: it refuses (BUSY)
    // while another rollout is in flight, so a build racing this one makes us look again.
    for (int attempt = 0; attempt < MAX_BUSY_RETRIES; attempt++) {
      ServicePointer pointer = store.pointer(e.service(), e.region()).orElse(null);
      Optional<HandleResult> outOfOrder = olderThanLatest(e, pointer);
      if (outOfOrder.isPresent()) {
        return outOfOrder.get();
      }
      // The in-flight rollout steps aside, unless it is this build's own, created by a copy of
      // this message delivered at the same moment.
      if (pointer != null && pointer.activeRolloutId() != null
          && !pointer.activeRolloutId().equals(id)) {
        String inFlight = pointer.activeRolloutId();
        // A real build always supersedes a drill, whatever onNewBuild says: a drill must never
        // hold a release back.
        if (policy.onNewBuild() == NewBuildAction.IGNORE
            && !store.find(inFlight).map(Rollout::isDrill).orElse(false)) {
          return ignored(inFlight, "rollout " + inFlight
              + " is in flight and the policy ignores newer builds (onNewBuild=ignore)", e);
        }
        // A rollout that is finishing (PROMOTING, ROLLING_BACK) does not step aside: the no-op
        // re-drives its decided split first, so that the new candidate is compared with, and
        // later takes traffic from, the revision that really serves.
        loop.apply(inFlight, null, Work.of(
            new NewerBuild(FollowUpIds.supersede(e.eventId()), e.occurredAt(), id)));
      }
      finishPrevious(pointer, id, e.eventId());
      Decision d = machine.start(e, policy, slot, clock.instant());
      DecisionLoop.Created created = loop.create(d, e.eventId());
      switch (created.result()) {
        case SAVED:
          return new HandleResult(Status.APPLIED, id, created.last().state(),
              "rollout started for build " + e.buildId()
                  + (slot == null ? "" : " in " + e.region()));
        case BUSY:
          continue; // another build's rollout took the service first: look again
        default:
          return new HandleResult(Status.DUPLICATE, id, null,
              "rollout " + id + " was created concurrently");
      }
    }
    throw new TransientFailure("the service " + e.service() + " stayed busy with another"
        + " rollout for " + MAX_BUSY_RETRIES + " attempts (a finishing promotion or rollback);"
        + " Pub/Sub redelivers build " + e.buildId());
  }

  /**
   * The service's previous rollout, when it has ended but Cloud Run has not confirmed its split
   * (a superseded candidate whose 0% failed, the build then redelivered): it is no longer the
   * pointer's in-flight rollout, yet its candidate still serves. Deploying on that split would
   * make the old candidate the new one's stable, which it then never moves. Its intent is
   * re-driven first; if that fails, the build is redelivered.
   */
  private void finishPrevious(ServicePointer pointer, String id, String cause) {
    if (pointer == null || pointer.lastRolloutId() == null || pointer.lastRolloutId().equals(id)) {
      return;
    }
    store.find(pointer.lastRolloutId())
        .filter(r -> r.state().terminal() && r.traffic().pending())
        .ifPresent(r -> loop.resume(r, List.of(), cause));
  }

  private Optional<HandleResult> olderThanLatest(BuildSucceeded e, ServicePointer pointer) {
    if (pointer == null || pointer.lastRolloutId() == null) {
      return Optional.empty();
    }
    Optional<Rollout> last = store.find(pointer.lastRolloutId());
    if (last.isEmpty() || !last.get().builtAt().isAfter(e.occurredAt())) {
      return Optional.empty();
    }
    return Optional.of(ignored(null, "build " + e.buildId() + " finished at " + e.occurredAt()
        + ", before the build of the service's latest rollout " + last.get().id() + " ("
        + last.get().builtAt() + "): an out-of-order delivery", e));
  }

  private static HandleResult ignored(String rolloutId, String message, BuildSucceeded e) {
    DecisionLoop.logResult(Status.IGNORED, rolloutId, message, e.eventId());
    return HandleResult.ignored(rolloutId, message);
  }
}
