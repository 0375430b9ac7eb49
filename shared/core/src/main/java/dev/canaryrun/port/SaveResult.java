package dev.canaryrun.port;

/** How a {@link RolloutStore#save} ended. */
public enum SaveResult {
  SAVED,
  /** The event id was already processed for this rollout: nothing was written. */
  DUPLICATE,
  /** Someone else saved first (version mismatch): reload and decide again. */
  CONFLICT,
  /**
   * The save would bring a rollout to life (create it, or retry it) while the service's pointer
   * names another rollout in flight: nothing was written. One live rollout per service holds
   * by construction, because the transaction that creates a rollout owns the pointer; the
   * caller supersedes the other rollout first, or gives up.
   */
  BUSY
}
