package dev.canaryrun.service;

import java.time.Instant;
import java.util.Objects;

/**
 * A request to run a rollback drill of a service: an operator's {@code drill} command
 * (verified like any command) or the weekly scheduler job's message.
 *
 * @param region the region the requester expects; null to take the policy's
 * @param notAfter a scheduled drill's window end: a message delivered later (a retry) does not
 *     start a drill outside its window; null for an operator's drill
 */
public record DrillRequest(String eventId, Instant occurredAt, String service, String region,
    String actor, String reason, Instant notAfter) {
  public DrillRequest {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(reason, "reason");
  }
}
