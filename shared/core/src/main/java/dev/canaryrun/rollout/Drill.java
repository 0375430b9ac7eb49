package dev.canaryrun.rollout;

import java.util.List;
import java.util.Objects;

/**
 * What makes a rollout a rollback drill (README "Rollback drills"): the service's current
 * stable image rolled out again as a candidate, taken to the first step, then rolled back by a
 * drill incident sent through the real alert path. Fixed when the drill starts.
 *
 * @param requestedBy who asked: an operator's verified email, or the scheduler job
 * @param reason why, as the command said
 * @param stableRevision the revision serving 100% when the drill started (its image is the
 *     rollout's image)
 * @param checks what a real rollback depends on, checked before the drill started (the
 *     functions' permissions on the service, the alert policies and their channel)
 */
public record Drill(String requestedBy, String reason, String stableRevision,
    List<DrillCheck> checks) {
  /** The alert policy user label that marks a drill incident; its value is the rollout id. */
  public static final String INCIDENT_LABEL = "canaryrun_drill";
  /** The actor of the drill incident in the audit trail. */
  public static final String ACTOR = "canaryrun-drill";

  public Drill {
    Objects.requireNonNull(requestedBy, "requestedBy");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(stableRevision, "stableRevision");
    checks = List.copyOf(checks);
  }

  /** The drill incident's id: one per drill rollout, so a redelivery names the same one. */
  public static String incidentId(String rolloutId) {
    return "drill-" + rolloutId;
  }
}
