package dev.canaryrun.local.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;

/**
 * What a Cloud Monitoring notification channel of type pubsub publishes for an incident of an
 * alert policy grouped by revision (schema 1.2, shaped like test-fixtures'
 * {@code monitoring/incident-open-canary.json}). Used by the demo and the end-to-end tests.
 *
 * @param projectId the scoping project
 * @param service the Cloud Run service
 * @param region its location
 * @param policyName the alert policy's display name
 */
public record MonitoringIncidents(String projectId, String service, String region,
    String policyName) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** An incident that opened at {@code startedAt} on {@code revision}. */
  public byte[] open(String incidentId, String revision, String summary, Instant startedAt) {
    return incident(incidentId, revision, summary, startedAt, null);
  }

  /** The same incident closing at {@code endedAt}. */
  public byte[] closed(String incidentId, String revision, String summary, Instant startedAt,
      Instant endedAt) {
    return incident(incidentId, revision, summary, startedAt, endedAt);
  }

  private byte[] incident(String incidentId, String revision, String summary,
      Instant startedAt, Instant endedAt) {
    ObjectNode root = JSON.createObjectNode().put("version", "1.2");
    ObjectNode i = root.putObject("incident");
    i.put("incident_id", incidentId)
        .put("scoping_project_id", projectId)
        .put("scoping_project_number", 482913650117L)
        .put("url", "https://console.cloud.google.com/monitoring/alerting/incidents/"
            + incidentId + "?project=" + projectId)
        .put("started_at", startedAt.getEpochSecond());
    if (endedAt == null) {
      i.putNull("ended_at").put("state", "open");
    } else {
      i.put("ended_at", endedAt.getEpochSecond()).put("state", "closed");
    }
    i.put("summary", summary)
        .put("apigee_url", "")
        .put("observed_value", "0.900")
        .put("resource_type_display_name", "Cloud Run Revision")
        .put("resource_id", "")
        .put("resource_display_name", revision)
        .put("resource_name", projectId + " " + revision);
    i.putObject("resource").put("type", "cloud_run_revision").putObject("labels")
        .put("project_id", projectId)
        .put("service_name", service)
        .put("revision_name", revision)
        .put("location", region)
        .put("configuration_name", service);
    i.putObject("metric").put("type", "run.googleapis.com/container/memory/utilizations")
        .put("displayName", "Container Memory Utilization").putObject("labels");
    ObjectNode meta = i.putObject("metadata");
    meta.putObject("system_labels");
    meta.putObject("user_labels");
    i.put("policy_name", policyName);
    i.putObject("policy_user_labels").put("team", service);
    i.putObject("documentation").put("content", "canaryrun rolls back the canary revision.")
        .put("mime_type", "text/markdown");
    i.putObject("condition").put("name", "projects/" + projectId + "/alertPolicies/"
        + Math.abs(policyName.hashCode()) + "/conditions/1")
        .put("displayName", policyName.toLowerCase(Locale.ROOT));
    i.put("condition_name", policyName.toLowerCase(Locale.ROOT))
        .put("threshold_value", "0.85");
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }
}
