package dev.canaryrun.gcp.decode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canaryrun.rollout.Drill;
import dev.canaryrun.rollout.Limits;
import dev.canaryrun.service.AlertRequest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Decodes a Cloud Monitoring incident notification (Pub/Sub channel, schema version 1.2):
 * {@code {"version": "1.2", "incident": {"incident_id", "state": "open"|"closed", "resource":
 * {"type": "cloud_run_revision", "labels": {"service_name", "revision_name", ...}},
 * "started_at", "ended_at", "policy_name", "summary", ...}}}. The state's case varies between
 * sources (the console's test notification says "OPEN"), so it is compared case-blind.
 *
 * <p>The console's "send test notification" (version "test", resource type example_resource)
 * is ignored, as are incidents on other resource types: the channel may be shared with
 * unrelated policies. An incident on a Cloud Run revision without the revision label is
 * rejected: the policy aggregates across revisions, so canaryrun cannot tell the canary from
 * the stable revision, and someone has to fix the policy.
 */
public final class IncidentDecoder {
  public static final String SCHEMA_VERSION = "1.2";
  public static final String TEST_VERSION = "test";
  public static final String RESOURCE_TYPE = "cloud_run_revision";
  public static final int MAX_BYTES = 256 * 1024;
  private static final Pattern SERVICE = CommandDecoder.SERVICE;
  private static final Pattern REVISION = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");

  public Decoded<AlertRequest> decode(PubSubMessage m, String eventId) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("eventId", eventId);
    return Decoded.guarded(fields, () -> decode(m, eventId, fields));
  }

  private static Decoded<AlertRequest> decode(PubSubMessage m, String eventId,
      Map<String, Object> fields) {
    if (m.data().length > MAX_BYTES) {
      throw new MalformedEventException("incident notification is " + m.data().length
          + " bytes, over the limit of " + MAX_BYTES);
    }
    JsonNode root = Json.parse(m.data(), "incident notification");
    String version = Json.text(root, "version");
    JsonNode incident = root.get("incident");
    if (TEST_VERSION.equals(version)) {
      return Decoded.ignored("Cloud Monitoring test notification received: the channel "
          + "reaches canaryrun", fields);
    }
    if (version == null) {
      throw new MalformedEventException("incident notification has no \"version\"");
    }
    if (!SCHEMA_VERSION.equals(version)) {
      throw new MalformedEventException("incident notification schema version '"
          + Json.abbreviate(version) + "' is not supported (expected " + SCHEMA_VERSION + ")");
    }
    if (incident == null || !incident.isObject()) {
      throw new MalformedEventException("incident notification has no \"incident\" object");
    }
    String incidentId = Json.boundedText(incident, "incident_id", "incident.incident_id",
        Limits.MAX_INCIDENT_ID);
    if (incidentId == null || incidentId.isBlank()) {
      throw new MalformedEventException("incident has no incident_id");
    }
    fields.put("incidentId", incidentId);
    String state = Json.text(incident, "state");
    if (state == null) {
      throw new MalformedEventException("incident " + incidentId + " has no state");
    }
    boolean open = switch (state.toLowerCase(Locale.ROOT)) {
      case "open" -> true;
      case "closed" -> false;
      default -> throw new MalformedEventException("incident " + incidentId + " state '"
          + Json.abbreviate(state) + "' is neither open nor closed");
    };
    fields.put("state", open ? "open" : "closed");
    JsonNode resource = incident.path("resource");
    String type = Json.text(resource, "type");
    if (!RESOURCE_TYPE.equals(type)) {
      return Decoded.ignored("incident " + incidentId + " is about resource type " + type
          + ", not " + RESOURCE_TYPE + ": not a canaryrun concern", fields);
    }
    JsonNode labels = resource.path("labels");
    String service = Json.text(labels, "service_name");
    if (service == null || service.isBlank()) {
      throw new MalformedEventException("incident " + incidentId + " on " + RESOURCE_TYPE
          + " has no resource.labels.service_name");
    }
    if (!SERVICE.matcher(service).matches()) {
      // "a/b" would become a Firestore path with a slash in it: not a service canaryrun watches
      throw new MalformedEventException("incident " + incidentId + " resource.labels.service_name '"
          + Json.abbreviate(service) + "' is not a Cloud Run service name");
    }
    fields.put("service", service);
    String revision = Json.text(labels, "revision_name");
    if (revision == null || revision.isBlank()) {
      throw new MalformedEventException("incident " + incidentId + " on service " + service
          + " names no revision (resource.labels.revision_name): the alert policy aggregates "
          + "across revisions, so the canary cannot be told from the stable revision; group "
          + "the policy by revision_name");
    }
    if (!REVISION.matcher(revision).matches()) {
      throw new MalformedEventException("incident " + incidentId
          + " resource.labels.revision_name '" + Json.abbreviate(revision) + "' is not a Cloud Run revision name");
    }
    fields.put("revision", revision);
    // Revision names are unique per region only; Terraform's policies group by location so
    // that an incident names the region it happened in.
    String location = Json.text(labels, "location");
    if (location != null) {
      fields.put("location", location);
    }
    Instant at = Json.epochSeconds(incident.get(open ? "started_at" : "ended_at"),
        open ? "incident.started_at" : "incident.ended_at");
    // A rollback drill's incident carries the drill rollout's id as an alert policy user
    // label (README "Rollback drills"); it acts on that drill only.
    String drillOf = Json.text(incident.path("policy_user_labels"), Drill.INCIDENT_LABEL);
    if (drillOf != null && !CommandDecoder.ROLLOUT_ID.matcher(drillOf).matches()) {
      throw new MalformedEventException("incident " + incidentId + " policy_user_labels."
          + Drill.INCIDENT_LABEL + " '" + Json.abbreviate(drillOf) + "' is not a rollout id");
    }
    if (drillOf != null) {
      fields.put("drillOf", drillOf);
    }
    return Decoded.accepted(new AlertRequest(eventId, at != null ? at : m.publishTime(), service,
        revision, location, incidentId, open,
        Json.truncated(Json.text(incident, "policy_name"), Limits.MAX_POLICY_NAME),
        Json.truncated(Json.text(incident, "summary"), Limits.MAX_SUMMARY), m.publishTime(),
        drillOf));
  }
}
