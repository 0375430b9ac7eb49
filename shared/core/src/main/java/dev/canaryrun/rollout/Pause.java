package dev.canaryrun.rollout;

import java.time.Instant;
import java.util.Objects;

/**
 * Why and until when a rollout is paused. {@code until} is null for an open-ended pause
 * (an inconclusive phase, or an operator pause without expiry).
 */
public record Pause(String actor, String reason, Instant until, ExpiryAction atExpiry) {
  public Pause {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(atExpiry, "atExpiry");
  }

  public boolean expiredAt(Instant now) {
    return until != null && !now.isBefore(until);
  }
}
