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

  RouteCommand(RolloutStore store, PolicyStore policies, DecisionLoop loop, Staleness staleness,
      StartDrill drills) {
    this.store = store;
    this.policies = policies;
    this.loop = loop;
    this.staleness = staleness;
    this.drills = drills;
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
    // The policy names the service's region: a command reaches the rollout there.
    ServicePointer pointer = store.pointer(c.service(), watched.get().region()).orElse(null);
    String inFlight = pointer == null ? null : pointer.activeRolloutId();
    String latest = pointer == null ? null : pointer.lastRolloutId();
    boolean historical = c.command() == CommandType.RETRY || c.command() == CommandType.ROLLBACK;
    String target = c.rolloutId() != null ? c.rolloutId() : inFlight != null ? inFlight
        : historical ? latest : null;
    if (target == null) {
      return rejected(null, what + "service " + c.service() + " has no rollout "
          + (historical ? "" : "in flight"), c.eventId());
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
