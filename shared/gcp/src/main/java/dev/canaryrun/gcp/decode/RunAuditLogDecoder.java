package dev.canaryrun.gcp.decode;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decodes a Cloud Run Admin Activity audit log entry, as a Logging sink publishes it to
 * Pub/Sub (the message data is the LogEntry as JSON): Cloud Run's own record that someone
 * changed a service, whichever way (gcloud run deploy, services update, the console, a
 * GitHub Actions deploy, Terraform). The shape, from a real entry (fixtures/real/
 * run-audit-v1-replaceservice-success-cloud-run-slack-bot.json):
 * <pre>
 * {"protoPayload": {"@type": "type.googleapis.com/google.cloud.audit.AuditLog",
 *   "serviceName": "run.googleapis.com",
 *   "methodName": "google.cloud.run.v1.Services.ReplaceService",
 *   "resourceName": "namespaces/P/services/S",   (v2: projects/P/locations/L/services/S)
 *   "authenticationInfo": {"principalEmail": "..."},
 *   "response": {"status": {"latestCreatedRevisionName": "S-00022-rfg", ...}, ...},
 *   "status": {"code": 10, "message": "Conflict ..."}},          (only when it failed)
 *  "resource": {"type": "cloud_run_revision",
 *   "labels": {"service_name": "S", "location": "L", "revision_name": "", ...}},
 *  "timestamp": "2024-05-06T22:58:04.355675Z"}
 * </pre>
 * Failed calls, other methods and other services are ignored with their reason. The revision
 * the change made is named when the response carries it (v1 {@code status.
 * latestCreatedRevisionName}, v2 {@code latestCreatedRevision}); else the function reads it
 * from Cloud Run.
 */
public final class RunAuditLogDecoder {
  public static final String AUDIT_LOG_TYPE = "type.googleapis.com/google.cloud.audit.AuditLog";
  public static final String SERVICE_NAME = "run.googleapis.com";
  /** The Admin Activity methods that can create a revision of a service. */
  public static final Set<String> METHODS = Set.of(
      "google.cloud.run.v2.Services.CreateService",
      "google.cloud.run.v2.Services.UpdateService",
      "google.cloud.run.v2.Services.ReplaceService",
      "google.cloud.run.v1.Services.CreateService",
      "google.cloud.run.v1.Services.ReplaceService");
  public static final int MAX_BYTES = 1024 * 1024;

  /** v2 names, sometimes with the revision appended (seen in public tooling's fixtures). */
  private static final Pattern V2_NAME = Pattern.compile(
      "projects/[^/]+/locations/([^/]+)/services/([^/]+)(?:/revisions/([^/]+))?");
  private static final Pattern V1_NAME = Pattern.compile("namespaces/[^/]+/services/([^/]+)");

  /**
   * A change of a service's configuration recorded by Cloud Run.
   *
   * @param revision the revision it created, when the entry says; null when it must be read
   * @param principal who made it ({@code authenticationInfo.principalEmail}), may be null
   * @param image the serving container's image, when the entry says, else null
   * @param requestedAt when the call was made ({@code requestMetadata.requestAttributes.time},
   *     else the entry's timestamp): a revision created before it was not made by this change
   */
  public record RevisionChange(String eventId, Instant occurredAt, String service,
      String region, String revision, String principal, String method, String image,
      Instant requestedAt) {}

  public Decoded<RevisionChange> decode(PubSubMessage m, String eventId) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("eventId", eventId);
    return Decoded.guarded(fields, () -> decode(m, eventId, fields));
  }

  private static Decoded<RevisionChange> decode(PubSubMessage m, String eventId,
      Map<String, Object> fields) {
    if (m.data().length > MAX_BYTES) {
      throw new MalformedEventException("audit log entry is " + m.data().length
          + " bytes, over the limit of " + MAX_BYTES);
    }
    JsonNode entry = Json.parse(m.data(), "audit log entry");
    JsonNode payload = entry.get("protoPayload");
    if (payload == null || !payload.isObject()) {
      throw new MalformedEventException("log entry has no \"protoPayload\" object: not an "
          + "audit log entry (check the sink's filter)");
    }
    if (!AUDIT_LOG_TYPE.equals(Json.text(payload, "@type"))) {
      return Decoded.ignored("protoPayload is " + Json.text(payload, "@type")
          + ", not an AuditLog", fields);
    }
    String method = Json.text(payload, "methodName");
    fields.put("method", method);
    String api = Json.text(payload, "serviceName");
    if (!SERVICE_NAME.equals(api) || method == null || !METHODS.contains(method)) {
      return Decoded.ignored("audit entry of " + api + " " + method + " does not create a "
          + "Cloud Run revision", fields);
    }
    JsonNode status = payload.get("status");
    if (status != null && status.path("code").asInt(0) != 0) {
      return Decoded.ignored(method + " failed (code " + status.path("code").asInt() + ": "
          + Json.abbreviate(String.valueOf(Json.text(status, "message"))) + "): nothing changed", fields);
    }
    JsonNode labels = entry.path("resource").path("labels");
    String resourceName = Json.text(payload, "resourceName");
    String service = firstNonBlank(Json.text(labels, "service_name"), serviceOf(resourceName));
    if (service == null) {
      throw new MalformedEventException(method + " entry names no service (neither "
          + "resource.labels.service_name nor protoPayload.resourceName '"
          + Json.abbreviate(String.valueOf(resourceName)) + "')");
    }
    fields.put("service", service);
    String region = firstNonBlank(Json.text(labels, "location"), regionOf(resourceName));
    if (region == null) {
      throw new MalformedEventException(method + " entry of service " + service
          + " names no location (resource.labels.location)");
    }
    fields.put("region", region);
    String ts = Json.text(entry, "timestamp");
    Instant at = ts != null ? Json.instant(ts, "timestamp") : m.publishTime();
    JsonNode response = payload.path("response");
    String revision = firstNonBlank(firstNonBlank(Json.text(response.path("status"),
        "latestCreatedRevisionName"), shortName(Json.text(response, "latestCreatedRevision"))),
        revisionOf(resourceName));
    if (revision != null) {
      fields.put("revision", revision);
    }
    String requested = Json.text(payload.path("requestMetadata").path("requestAttributes"),
        "time");
    return Decoded.accepted(new RevisionChange(eventId, at, service, region, revision,
        Json.text(payload.path("authenticationInfo"), "principalEmail"), method,
        image(response), requested != null ? Json.instant(requested, "requestAttributes.time")
            : at));
  }

  /** v1 spec.template.spec.containers[0].image or v2 template.containers[0].image. */
  private static String image(JsonNode response) {
    JsonNode v1 = response.path("spec").path("template").path("spec").path("containers");
    JsonNode v2 = response.path("template").path("containers");
    JsonNode containers = v1.isArray() && v1.size() > 0 ? v1 : v2;
    return containers.isArray() && containers.size() > 0
        ? Json.text(containers.get(0), "image") : null;
  }

  private static String serviceOf(String resourceName) {
    if (resourceName == null) {
      return null;
    }
    Matcher v2 = V2_NAME.matcher(resourceName);
    if (v2.matches()) {
      return v2.group(2);
    }
    Matcher v1 = V1_NAME.matcher(resourceName);
    return v1.matches() ? v1.group(1) : null;
  }

  private static String regionOf(String resourceName) {
    Matcher v2 = resourceName == null ? null : V2_NAME.matcher(resourceName);
    return v2 != null && v2.matches() ? v2.group(1) : null;
  }

  private static String revisionOf(String resourceName) {
    Matcher v2 = resourceName == null ? null : V2_NAME.matcher(resourceName);
    return v2 != null && v2.matches() ? v2.group(3) : null;
  }

  private static String shortName(String name) {
    return name == null ? null : name.substring(name.lastIndexOf('/') + 1);
  }

  private static String firstNonBlank(String a, String b) {
    return a != null && !a.isBlank() ? a : b != null && !b.isBlank() ? b : null;
  }
}
