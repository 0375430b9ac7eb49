package dev.canaryrun.rollout;

/** What happens when a timed pause expires. */
public enum ExpiryAction {
  RESUME,
  ROLLBACK
}
