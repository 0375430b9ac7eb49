package dev.canaryrun.rollout;

import java.time.Instant;
import java.util.Objects;

/**
 * Why and until when a rollout is paused. {@code until} is null for an open-ended pause
 * (an inconclusive phase, or an operator pause without expiry).
 *
 * @param gate the step's manual gate holds it: an operator's {@code promote} approves (the next
 *     step, not 100%), and {@code atExpiry} is the gate's timeout action
 */
public record Pause(String actor, String reason, Instant until, ExpiryAction atExpiry,
    boolean gate) {
  public Pause {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(atExpiry, "atExpiry");
    if (atExpiry == ExpiryAction.PROCEED && !gate) {
      throw new IllegalArgumentException("only a gate proceeds at expiry");
    }
  }

  /** An operator's or the controller's pause (no gate). */
  public Pause(String actor, String reason, Instant until, ExpiryAction atExpiry) {
    this(actor, reason, until, atExpiry, false);
  }

  public boolean expiredAt(Instant now) {
    return until != null && !now.isBefore(until);
  }
}
