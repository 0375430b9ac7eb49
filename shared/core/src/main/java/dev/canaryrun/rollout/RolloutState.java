package dev.canaryrun.rollout;

/** Where a rollout is. See README.md for the diagram. */
public enum RolloutState {
  /** The candidate revision is being created (or adopted) with no traffic. */
  DEPLOYING,
  /** The candidate's tag URL is smoke-checked at 0% traffic. */
  VERIFYING,
  /** The candidate serves the current step's share and is judged every tick. */
  CANARY,
  /** Progress is held at the current step (operator, or an inconclusive phase); guards still run. */
  PAUSED,
  /** 100% to the candidate has been decided and is being applied. */
  PROMOTING,
  /**
   * The candidate serves 100% for the policy's bake time, the previous stable revision kept
   * tagged: an alert on the candidate or a 5xx rate above the pre-release baseline rolls back.
   */
  BAKING,
  /** The candidate serves 100%: it is the new stable revision. */
  PROMOTED,
  /** 0% to the candidate has been decided and is being applied. */
  ROLLING_BACK,
  /** The candidate serves 0%: the stable revision serves everything. */
  ROLLED_BACK,
  /** A newer build replaced this candidate before it was validated. */
  SUPERSEDED,
  /** The candidate could not be deployed or failed its smoke check; it never served users. */
  FAILED,
  /**
   * Observe-only mode (policy {@code mode: observe}): the candidate is judged against stable at
   * whatever split the team's own pipeline sets; canaryrun changes no traffic.
   */
  OBSERVING,
  /**
   * Observe-only mode, ended: the judge failed the candidate, an alert fired on it, the pipeline
   * moved it to 100% or back to 0%, or the policy's time budget ran out. The last verdict says
   * what the judge found; traffic is as the pipeline left it.
   */
  OBSERVED;

  public boolean terminal() {
    return this == PROMOTED || this == ROLLED_BACK || this == SUPERSEDED || this == FAILED
        || this == OBSERVED;
  }

  /** States in which the candidate may carry traffic and the judge runs. */
  public boolean judged() {
    return this == CANARY || this == PAUSED || this == OBSERVING || this == BAKING;
  }
}
