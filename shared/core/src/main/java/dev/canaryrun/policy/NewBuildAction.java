package dev.canaryrun.policy;

/** What a newer successful build does to a rollout that is still in flight. */
public enum NewBuildAction {
  /** The in-flight candidate goes back to 0%, unvalidated, and the new build starts. */
  SUPERSEDE,
  /** The new build is recorded and dropped; the in-flight rollout finishes first. */
  IGNORE
}
