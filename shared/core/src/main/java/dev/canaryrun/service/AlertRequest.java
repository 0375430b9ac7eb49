package dev.canaryrun.service;

import java.time.Instant;
import java.util.Objects;

/**
 * A Cloud Monitoring incident on a revision of a service, opened or closed.
 *
 * @param location the region of the revision ({@code resource.labels.location}); null when the
 *     alert policy does not group by location, in which case the incident cannot be placed
 *     and matches the rollout by service and revision only
 * @param publishedAt the notification's Pub/Sub publish time; null when unknown
 * @param drillOf the drill rollout a drill incident was fired for (the alert policy user
 *     label {@code canaryrun_drill}); null for a real incident
 */
public record AlertRequest(String eventId, Instant occurredAt, String service, String revision,
    String location, String incidentId, boolean open, String policyName, String summary,
    Instant publishedAt, String drillOf) {

  /** A real incident whose publish time is not known. */
  public AlertRequest(String eventId, Instant occurredAt, String service, String revision,
      String location, String incidentId, boolean open, String policyName, String summary) {
    this(eventId, occurredAt, service, revision, location, incidentId, open, policyName,
        summary, null, null);
  }

  public AlertRequest {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(revision, "revision");
    Objects.requireNonNull(incidentId, "incidentId");
  }

  /** Whether the incident can be about a rollout in {@code region}. */
  public boolean in(String region) {
    return location == null || location.isBlank() || location.equals(region);
  }
}
