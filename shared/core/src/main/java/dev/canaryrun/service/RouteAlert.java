package dev.canaryrun.service;

import dev.canaryrun.port.RolloutStore;
import dev.canaryrun.port.RolloutStore.ServicePointer;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutEvent;
import dev.canaryrun.rollout.RolloutEvent.AlertFired;
import dev.canaryrun.rollout.RolloutEvent.AlertResolved;
import java.util.List;
import java.util.Optional;

/**
 * A Cloud Monitoring incident goes to the service's rollout in flight; the machine decides
 * whether it concerns the candidate (roll back), the stable revision (hold) or neither.
 */
final class RouteAlert {
  private final RolloutStore store;
  private final DecisionLoop loop;
  private final Staleness staleness;

  RouteAlert(RolloutStore store, DecisionLoop loop, Staleness staleness) {
    this.store = store;
    this.loop = loop;
    this.staleness = staleness;
  }

  HandleResult handle(AlertRequest a) {
    Optional<HandleResult> stale = staleness.check(a.eventId(), a.occurredAt(), null);
    if (stale.isPresent()) {
      return stale.get();
    }
    // The pointer is per service and region: an incident placed in a region reaches that
    // region's rollout only; one that carries no location goes to the rollout in flight whose
    // revisions it names, else to the only one in flight.
    String target = a.location() == null || a.location().isBlank()
        ? unplaced(a) : store.pointer(a.service(), a.location())
            .map(ServicePointer::activeRolloutId).orElse(null);
    if (target == null) {
      return HandleResult.ignored(null, "incident " + a.incidentId() + " on " + a.revision()
          + ": no rollout of " + a.service()
          + (a.location() == null || a.location().isBlank() ? "" : " in " + a.location())
          + " is in flight");
    }
    Optional<Rollout> inFlight = store.find(target);
    if (inFlight.isPresent() && !a.in(inFlight.get().region())) {
      return HandleResult.ignored(target, "incident " + a.incidentId() + " on " + a.revision()
          + " is in " + a.location() + ", rollout " + target + " is in "
          + inFlight.get().region());
    }
    RolloutEvent e = a.open()
        ? new AlertFired(a.eventId(), a.occurredAt(), a.incidentId(), a.revision(), a.policyName(),
            a.summary(), a.publishedAt(), a.drillOf())
        : new AlertResolved(a.eventId(), a.occurredAt(), a.incidentId(), a.revision());
    // The rollout just read is the loop's first load: a concurrent save makes it read again.
    return loop.apply(target, inFlight.orElse(null), Work.of(e));
  }

  private String unplaced(AlertRequest a) {
    List<String> live = store.pointers(a.service()).stream()
        .map(ServicePointer::activeRolloutId).filter(java.util.Objects::nonNull).toList();
    if (live.size() <= 1) {
      return live.isEmpty() ? null : live.get(0);
    }
    return live.stream().filter(id -> store.find(id).filter(r ->
        a.revision().equals(r.candidateRevision()) || a.revision().equals(r.stableRevision()))
        .isPresent()).findFirst().orElse(null);
  }
}
