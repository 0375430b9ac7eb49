package dev.canaryrun.service;

import java.time.Instant;
import java.util.Objects;

/**
 * A timer tick: judge every active rollout, or only {@code rolloutId} (a targeted follow-up,
 * stale when the rollout is no longer at {@code expectedStep}).
 */
public record TickRequest(String eventId, Instant occurredAt, String rolloutId, Integer expectedStep) {
  public TickRequest {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(occurredAt, "occurredAt");
  }

  public static TickRequest all(String eventId, Instant occurredAt) {
    return new TickRequest(eventId, occurredAt, null, null);
  }
}
