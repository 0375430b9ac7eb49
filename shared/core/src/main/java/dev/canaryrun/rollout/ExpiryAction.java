package dev.canaryrun.rollout;

/** What happens when a timed pause expires. */
public enum ExpiryAction {
  RESUME,
  ROLLBACK,
  /** A manual gate's timeout with onTimeout proceed: move on as if approved. */
  PROCEED
}
