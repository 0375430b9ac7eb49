package dev.canaryrun.policy;

import java.time.Duration;

/**
 * A manual gate on a step: the rollout does not leave the step (to the next share, or to the
 * promotion after the last) until an operator approves with {@code promote}. The judge keeps
 * running meanwhile, so a FAIL or an alert still rolls back.
 *
 * @param timeout how long to wait for the approval; null waits until someone decides
 * @param onTimeout what the gate does when nobody decided in time
 */
public record Gate(Duration timeout, OnTimeout onTimeout) {
  /** What a gate does when its timeout passes without a decision. */
  public enum OnTimeout {
    /** Move on, as if approved: the gate is a chance to stop, not a requirement to sign. */
    PROCEED,
    /** Roll back: the step to come is risky enough to need a person, or not happen. */
    ROLLBACK
  }

  public Gate {
    java.util.Objects.requireNonNull(onTimeout, "onTimeout");
  }

  /** A gate that waits for a person however long it takes. */
  public static Gate untilApproved() {
    return new Gate(null, OnTimeout.ROLLBACK);
  }

  void validate(String at, java.util.List<String> problems) {
    if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
      problems.add(at + ".gate.timeoutSeconds: " + timeout.toSeconds() + " must be > 0");
    }
  }
}
