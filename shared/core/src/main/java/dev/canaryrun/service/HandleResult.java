package dev.canaryrun.service;

import dev.canaryrun.rollout.RolloutState;

/**
 * What handling one event did, for the function's log line and for tests. Every status is
 * acked; only exceptions (transient failures) make Pub/Sub redeliver.
 *
 * @param rolloutId the rollout concerned, or null when none was
 * @param state the rollout's state afterwards, or null
 */
public record HandleResult(Status status, String rolloutId, RolloutState state, String message) {

  public enum Status {
    /** The event changed the rollout (state, traffic, evidence or audit trail). */
    APPLIED,
    /** The event id was processed before: nothing changed. */
    DUPLICATE,
    /** Stale or irrelevant (wrong step, unwatched service, unknown revision, too old). */
    IGNORED,
    /** An operator command that cannot apply; it is audited and notified. */
    REJECTED
  }

  public static HandleResult ignored(String rolloutId, String message) {
    return new HandleResult(Status.IGNORED, rolloutId, null, message);
  }
}
