package dev.canaryrun.rollout;

/** What an operator can ask for. */
public enum CommandType {
  PAUSE,
  RESUME,
  PROMOTE,
  ROLLBACK,
  /** Start a rolled-back, failed or superseded candidate again from its smoke check. */
  RETRY,
  /**
   * Start a rollback drill of the service (README "Rollback drills"). It never applies to a
   * rollout: with none in flight it starts one, else it is rejected on the one in flight.
   */
  DRILL
}
