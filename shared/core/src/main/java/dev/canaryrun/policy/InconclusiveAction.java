package dev.canaryrun.policy;

/**
 * What a rollout does when the policy's time budget (the last step's maximum dwell) runs out
 * and the judge could neither pass nor fail the canary: the traffic was too low for the
 * evidence the policy asks for. The verdict then states what was ruled out.
 */
public enum InconclusiveAction {
  /**
   * Promote: no regression was detected at the informative 50/50 split and the guard rails
   * held. The default: the bench shows healthy canaries at 1-10 req/s otherwise never finish
   * unattended, while every regression the traffic can reveal is caught before the end.
   */
  PROMOTE,
  /** Pause for a person at every step's maximum dwell (canaryrun's behaviour before 0.2). */
  PAUSE,
  /** Roll back: a release must prove itself or not ship. */
  ROLLBACK
}
