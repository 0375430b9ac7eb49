package dev.canaryrun.service;

import dev.canaryrun.rollout.CommandType;
import dev.canaryrun.rollout.ExpiryAction;
import java.time.Instant;
import java.util.Objects;

/**
 * A validated operator command. {@code rolloutId} is optional: without it the command targets
 * the service's rollout in flight (or, for retry and rollback, its most recent rollout).
 */
public record CommandRequest(String eventId, Instant occurredAt, String service, String rolloutId,
    CommandType command, String actor, String reason, Instant expiresAt, ExpiryAction atExpiry) {
  public CommandRequest {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(reason, "reason");
  }

  /** The same command from {@code sender}: the verified identity replaces the claimed actor. */
  public CommandRequest withActor(String sender) {
    return new CommandRequest(eventId, occurredAt, service, rolloutId, command, sender, reason,
        expiresAt, atExpiry);
  }
}
