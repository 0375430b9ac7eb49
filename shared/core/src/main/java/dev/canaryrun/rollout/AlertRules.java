package dev.canaryrun.rollout;

import static dev.canaryrun.rollout.RolloutState.ROLLING_BACK;
import static dev.canaryrun.rollout.Transitions.notification;
import static dev.canaryrun.rollout.Transitions.transition;

import dev.canaryrun.rollout.RolloutEvent.AlertFired;
import dev.canaryrun.rollout.RolloutEvent.AlertResolved;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Cloud Monitoring incidents: one on the candidate rolls it back at once (in any state that
 * still has something to undo); one on the stable revision holds progress until it closes.
 */
final class AlertRules {
  static final String MONITORING = "cloud-monitoring";

  private AlertRules() {}

  static Decision fired(Rollout r, AlertFired e, Instant now) {
    if (e.drillOf() != null) {
      // A drill incident never touches a release (nor another drill). A real incident on a
      // drill is handled below as on any rollout: users must not wait for a drill.
      return DrillRules.alert(r, e, now);
    }
    if (r.state().terminal() || r.state() == ROLLING_BACK) {
      return Decision.noop(r);
    }
    String what = "Cloud Monitoring incident " + e.incidentId() + " (" + e.policyName() + ": "
        + e.summary() + ")";
    if (e.revision().equals(r.candidateRevision()) && r.policy().observeOnly()) {
      return ObservePhase.alert(r, e, now);
    }
    if (e.revision().equals(r.candidateRevision())) {
      return SharedMoves.rollBack(r, r, e, now, MONITORING, what + " on the candidate", null);
    }
    if (e.revision().equals(r.stableRevision())) {
      Set<String> open = new HashSet<>(r.stableIncidents());
      // The set is bounded (a document must not grow without end); when it is full, progress
      // is held anyway, since the set is not empty.
      if (!Limits.roomForStableIncident(open.size()) || !open.add(e.incidentId())) {
        return Decision.noop(r);
      }
      Rollout next = r.withStableIncidents(open);
      String msg = what + " on the stable revision: holding progress until it closes";
      return transition(r, next, e, now, MONITORING, msg, null,
          List.of(notification(NotificationType.STABLE_ALERT, next, msg)));
    }
    return Decision.noop(r); // another revision of the service: not ours to judge
  }

  static Decision resolved(Rollout r, AlertResolved e, Instant now) {
    if (r.state().terminal()) {
      return Decision.noop(r);
    }
    boolean stable = r.stableIncidents().contains(e.incidentId());
    if (!stable && !e.revision().equals(r.candidateRevision())) {
      return Decision.noop(r);
    }
    Set<String> open = new HashSet<>(r.stableIncidents());
    open.remove(e.incidentId());
    Rollout next = r.withStableIncidents(open);
    return transition(r, next, e, now, MONITORING,
        "Cloud Monitoring incident " + e.incidentId() + " on " + e.revision() + " closed"
            + (stable ? "; " + open.size() + " stable incident(s) still open" : ""), null,
        List.of());
  }
}
