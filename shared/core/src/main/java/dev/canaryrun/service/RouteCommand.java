package dev.canaryrun.service;

import dev.canaryrun.policy.Operators;
import dev.canaryrun.port.PolicyStore;
import dev.canaryrun.port.RolloutStore;
import dev.canaryrun.port.RolloutStore.ServicePointer;
import dev.canaryrun.rollout.CommandType;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutEvent.Command;
import dev.canaryrun.rollout.RolloutEvent.RefusedCommand;
import dev.canaryrun.rollout.RolloutEvent.RefusedCommand.Refusal;
import dev.canaryrun.rollout.RolloutEvent.ServiceRollouts;
import dev.canaryrun.service.HandleResult.Status;
import dev.canaryrun.policy.RegionPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An operator's command goes to the rollout it names, or the service's rollout in flight (for
 * retry and rollback, else its latest). Whether it applies is the machine's to decide, and a
 * rejection is audited on that rollout; only a command that names no rollout of a watched
 * service at all is rejected here, with its log line as the whole trace.
 */
final class RouteCommand {
  private final RolloutStore store;
  private final PolicyStore policies;
  private final DecisionLoop loop;
  private final Staleness staleness;
  private final StartDrill drills;
  private final Releases releases;

  RouteCommand(RolloutStore store, PolicyStore policies, DecisionLoop loop, Staleness staleness,
      StartDrill drills, Releases releases) {
    this.store = store;
    this.policies = policies;
    this.loop = loop;
    this.staleness = staleness;
    this.drills = drills;
    this.releases = releases;
  }

  HandleResult handle(CommandRequest c) {
    Optional<HandleResult> stale = staleness.check(c.eventId(), c.occurredAt(), c.rolloutId());
    if (stale.isPresent()) {
      return stale.get();
    }
    String what = "rejected " + c.command().name().toLowerCase() + " from " + c.actor() + ": ";
    Optional<PolicyStore.WatchedService> watched = policies.find(c.service());
    if (watched.isEmpty()) {
      // An error, not a rejection in passing: a typo or a missing policy document means an
      // operator's command does nothing until someone fixes it.
      String message = what + "unknown service " + c.service() + " (no policies/" + c.service()
          + " document)";
      DecisionLog.error(message, null, "eventId", c.eventId(), "service", c.service(),
          "actor", c.actor(), "command", c.command().name());
      return new HandleResult(Status.REJECTED, null, null, message);
    }
    Operators operators = watched.get().policy().operators();
    if (!operators.allows(c.verifiedEmail())) {
      String problem = c.actor() + " is not an operator of " + c.service()
          + " (the policy's operators: " + operators.emails() + ")";
      DecisionLog.error("refused command: " + problem, null, "eventId", c.eventId(),
          "service", c.service(), "actor", c.actor());
      return refuse(c.eventId(), c.occurredAt(), Refusal.UNAUTHORIZED, c.service(),
          c.rolloutId(), c.actor(), problem)
          .orElseGet(() -> new HandleResult(Status.REJECTED, null, null, problem));
    }
    if (c.command() == CommandType.DRILL) {
      // A verified operator's drill takes the scheduler's path from here.
      return drills.handle(new DrillRequest(c.eventId(), c.occurredAt(), c.service(),
          c.region(), c.actor(), c.reason(), null));
    }
    RegionPlan plan = watched.get().policy().regions();
    if (c.region() != null && !(plan.spansRegions() ? plan.regions().contains(c.region())
        : c.region().equals(watched.get().region()))) {
      return rejected(null, what + "service " + c.service() + " does not run in " + c.region()
          + " (its regions: " + (plan.spansRegions() ? plan.regions()
          : List.of(watched.get().region())) + ")", c.eventId());
    }
    if (c.rolloutId() != null) {
      // A rollout id names its region: the command is decided with that region's pointer.
      String region = ofService(c.rolloutId(), c.service()).map(Rollout::region)
          .orElse(watched.get().region());
      return inRegion(c, region, what);
    }
    if (!plan.spansRegions()) {
      return inRegion(c, watched.get().region(), what); // the policy names the region
    }
    if (c.region() != null) {
      return inRegion(c, c.region(), what);
    }
    // One session: every region gets the operator's command before the release reacts to
    // any of them (a rollback is then the operator's in each region, not a release stop).
    return releases.session(() -> onRelease(c, plan, what));
  }

  /**
   * A command without a region or rollout, for a service released across regions, acts on the
   * service's newest release: in every region whose rollout (in flight, else for retry and
   * rollback the latest) belongs to it. A region still running an older release is left alone,
   * and so is a region whose rollout started after the command was sent: a redelivered
   * "promote" must not approve a wave its first delivery started.
   */
  private HandleResult onRelease(CommandRequest c, RegionPlan plan, String what) {
    boolean historical = c.command() == CommandType.RETRY || c.command() == CommandType.ROLLBACK;
    Map<String, Rollout> targets = new LinkedHashMap<>();
    for (String region : plan.regions()) {
      ServicePointer p = store.pointer(c.service(), region).orElse(null);
      String id = p == null ? null : p.activeRolloutId() != null ? p.activeRolloutId()
          : historical ? p.lastRolloutId() : null;
      if (id != null) {
        ofService(id, c.service()).filter(r -> !r.spec().createdAt().isAfter(c.occurredAt()))
            .ifPresent(r -> targets.put(region, r));
      }
    }
    Optional<Rollout> newest = targets.values().stream()
        .max(java.util.Comparator.comparing(Rollout::builtAt));
    if (newest.isEmpty()) {
      return rejected(null, what + "service " + c.service() + " has no rollout "
          + (historical ? "" : "in flight ") + "in " + plan.regions(), c.eventId());
    }
    String release = newest.get().releaseId();
    List<HandleResult> results = new ArrayList<>();
    List<String> regions = new ArrayList<>();
    for (Map.Entry<String, Rollout> t : targets.entrySet()) {
      if (Objects.equals(release, t.getValue().releaseId())) {
        regions.add(t.getKey());
        results.add(inRegion(c.inRegion(t.getKey()), t.getKey(), what));
      }
    }
    HandleResult first = results.get(0);
    Status status = results.stream().anyMatch(r -> r.status() == Status.APPLIED)
        ? Status.APPLIED : first.status();
    StringBuilder message = new StringBuilder("release " + release + " (" + regions + "):");
    for (int i = 0; i < results.size(); i++) {
      message.append(i == 0 ? " " : "; ").append(regions.get(i)).append(": ")
          .append(results.get(i).message());
    }
    return new HandleResult(status, first.rolloutId(), first.state(), message.toString());
  }

  /** The command in one region: its rollout in flight there, or the one it names. */
  private HandleResult inRegion(CommandRequest c, String region, String what) {
    ServicePointer pointer = store.pointer(c.service(), region).orElse(null);
    String inFlight = pointer == null ? null : pointer.activeRolloutId();
    String latest = pointer == null ? null : pointer.lastRolloutId();
    boolean historical = c.command() == CommandType.RETRY || c.command() == CommandType.ROLLBACK;
    String target = c.rolloutId() != null ? c.rolloutId() : inFlight != null ? inFlight
        : historical ? latest : null;
    if (target == null) {
      return rejected(null, what + "service " + c.service() + " has no rollout "
          + (historical ? "" : "in flight") + " in " + region, c.eventId());
    }
    Optional<Rollout> found = ofService(target, c.service());
    if (found.isEmpty()) {
      return rejected(target, what + "no rollout " + target + " of service " + c.service(),
          c.eventId());
    }
    ServiceRollouts rollouts = ServiceRollouts.of(inFlight, latest);
    // The rollout just read is the loop's first load: a concurrent save makes it read again.
    return loop.apply(target, found.get(), Work.of(new Command(c.eventId(), c.occurredAt(), c.command(),
        c.actor(), c.reason(), c.expiresAt(), c.atExpiry(), rollouts)));
  }

  /**
   * Audits a malformed command on the rollout it names (its rollout id, else the named
   * service's rollout in flight). One that names no rollout of the service it names, or no
   * service, leaves only its log line: a typo must not write into another service's trail.
   */
  Optional<HandleResult> handle(MalformedCommandRequest c) {
    return refuse(c.eventId(), c.occurredAt(), Refusal.MALFORMED, c.service(), c.rolloutId(),
        c.actor(), c.problem());
  }

  private Optional<HandleResult> refuse(String eventId, java.time.Instant occurredAt,
      Refusal refusal, String service, String rolloutId, String actor, String problem) {
    if (service == null) {
      return Optional.empty();
    }
    String target = rolloutId != null ? rolloutId
        : policies.find(service).flatMap(w -> store.pointer(service, w.region()))
            .map(ServicePointer::activeRolloutId).orElse(null);
    Optional<Rollout> found = target == null ? Optional.empty() : ofService(target, service);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(loop.apply(target, found.get(), Work.of(
        new RefusedCommand(eventId, occurredAt, refusal, actor, problem))));
  }

  /** The rollout, when it exists and belongs to {@code service}. */
  private Optional<Rollout> ofService(String rolloutId, String service) {
    return store.find(rolloutId).filter(r -> r.service().equals(service));
  }

  private static HandleResult rejected(String rolloutId, String message, String eventId) {
    DecisionLoop.logResult(Status.REJECTED, rolloutId, message, eventId);
    return new HandleResult(Status.REJECTED, rolloutId, null, message);
  }
}
