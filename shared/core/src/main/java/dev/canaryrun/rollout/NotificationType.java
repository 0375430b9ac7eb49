package dev.canaryrun.rollout;

/** Lifecycle notifications published to canaryrun-events. */
public enum NotificationType {
  STARTED,
  STEP_ADVANCED,
  PAUSED,
  RESUMED,
  PROMOTED,
  ROLLING_BACK,
  ROLLED_BACK,
  SUPERSEDED,
  FAILED,
  STABLE_ALERT,
  COMMAND_REJECTED
}
