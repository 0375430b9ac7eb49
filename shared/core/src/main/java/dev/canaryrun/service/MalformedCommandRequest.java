package dev.canaryrun.service;

import java.time.Instant;
import java.util.Objects;

/**
 * A command that failed validation, with what could still be read of it: the service and
 * rollout it names (either may be null) and who sent it ("unknown" when unreadable).
 */
public record MalformedCommandRequest(String eventId, Instant occurredAt, String service,
    String rolloutId, String actor, String problem) {
  public MalformedCommandRequest {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(problem, "problem");
    actor = actor == null || actor.isBlank() ? "unknown" : actor;
  }
}
