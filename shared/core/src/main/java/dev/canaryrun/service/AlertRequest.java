package dev.canaryrun.service;

import java.time.Instant;
import java.util.Objects;

/** A Cloud Monitoring incident on a revision of a service, opened or closed. */
public record AlertRequest(String eventId, Instant occurredAt, String service, String revision,
    String incidentId, boolean open, String policyName, String summary) {
  public AlertRequest {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(revision, "revision");
    Objects.requireNonNull(incidentId, "incidentId");
  }
}
