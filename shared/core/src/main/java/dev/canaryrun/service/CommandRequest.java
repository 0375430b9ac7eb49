package dev.canaryrun.service;

import dev.canaryrun.rollout.CommandType;
import dev.canaryrun.rollout.ExpiryAction;
import java.time.Instant;
import java.util.Objects;

/**
 * A validated operator command. {@code rolloutId} is optional: without it the command targets
 * the service's rollout in flight (or, for retry and rollback, its most recent rollout).
 *
 * @param verifiedEmail the sender's email as its Google-signed ID token says; null for a
 *     command whose sender was not verified (allowed on the emulators only)
 * @param region for {@code drill}: the region the operator expects the service in; null to
 *     take its policy's. For the others, a service released across regions: the one region the
 *     command acts on; null acts on every region of the service's newest release (a rolloutId
 *     names one region anyway)
 */
public record CommandRequest(String eventId, Instant occurredAt, String service, String rolloutId,
    CommandType command, String actor, String reason, Instant expiresAt, ExpiryAction atExpiry,
    String verifiedEmail, String region) {

  public CommandRequest(String eventId, Instant occurredAt, String service, String rolloutId,
      CommandType command, String actor, String reason, Instant expiresAt, ExpiryAction atExpiry,
      String verifiedEmail) {
    this(eventId, occurredAt, service, rolloutId, command, actor, reason, expiresAt, atExpiry,
        verifiedEmail, null);
  }

  /** A command whose sender was not verified. */
  public CommandRequest(String eventId, Instant occurredAt, String service, String rolloutId,
      CommandType command, String actor, String reason, Instant expiresAt,
      ExpiryAction atExpiry) {
    this(eventId, occurredAt, service, rolloutId, command, actor, reason, expiresAt, atExpiry,
        null);
  }

  public CommandRequest {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(reason, "reason");
  }

  /** The same command for {@code r} only. */
  public CommandRequest inRegion(String r) {
    return new CommandRequest(eventId, occurredAt, service, rolloutId, command, actor, reason,
        expiresAt, atExpiry, verifiedEmail, r);
  }

  /** The same command from {@code sender}: the verified identity replaces the claimed actor. */
  public CommandRequest withActor(String sender) {
    return new CommandRequest(eventId, occurredAt, service, rolloutId, command, sender, reason,
        expiresAt, atExpiry, verifiedEmail, region);
  }

  /** From a sender whose ID token verified: the email is the actor, and is checked. */
  public CommandRequest fromVerified(String email) {
    return new CommandRequest(eventId, occurredAt, service, rolloutId, command, email, reason,
        expiresAt, atExpiry, email, region);
  }
}
