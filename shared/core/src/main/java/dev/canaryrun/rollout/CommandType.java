package dev.canaryrun.rollout;

/** What an operator can ask for. */
public enum CommandType {
  PAUSE,
  RESUME,
  PROMOTE,
  ROLLBACK,
  /** Start a rolled-back, failed or superseded candidate again from its smoke check. */
  RETRY
}
