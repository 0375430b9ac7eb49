package dev.canaryrun.rollout;

/** Lifecycle notifications published to canaryrun-events. */
public enum NotificationType {
  STARTED,
  STEP_ADVANCED,
  PAUSED,
  RESUMED,
  /** 100% applied and the policy's bake time began (PROMOTED follows it, or a rollback). */
  BAKING,
  PROMOTED,
  ROLLING_BACK,
  ROLLED_BACK,
  SUPERSEDED,
  FAILED,
  STABLE_ALERT,
  /** A step's manual gate holds the rollout until an operator's promote (with the verdict). */
  APPROVAL_NEEDED,
  COMMAND_REJECTED,
  /** Observe-only mode: the judge reached PASS or FAIL (details.outcome) at the served split. */
  VERDICT,
  /** Observe-only mode: the observation ended (OBSERVED); details.outcome is the last verdict. */
  OBSERVED,
  /** A rollback drill ended; {@code details.drillReport} is its report. */
  DRILL_REPORTED
}
