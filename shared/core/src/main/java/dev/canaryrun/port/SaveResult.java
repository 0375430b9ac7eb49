package dev.canaryrun.port;

/** How a {@link RolloutStore#save} ended. */
public enum SaveResult {
  SAVED,
  /** The event id was already processed for this rollout: nothing was written. */
  DUPLICATE,
  /** Someone else saved first (version mismatch): reload and decide again. */
  CONFLICT
}
