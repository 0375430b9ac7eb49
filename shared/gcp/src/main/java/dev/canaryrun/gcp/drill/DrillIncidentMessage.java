package dev.canaryrun.gcp.drill;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.canaryrun.rollout.Drill;
import java.time.Instant;

/**
 * The drill incident as Cloud Monitoring's pubsub channel publishes an incident (notification
 * schema 1.2, resource {@code cloud_run_revision} with service, revision and location), so the
 * alert function reads it with the decoder of real ones; marked as a drill by the alert policy
 * user label {@link Drill#INCIDENT_LABEL} (the drill rollout's id) and its policy name.
 */
public final class DrillIncidentMessage {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DrillIncidentMessage() {}

  public static ObjectNode body(String project, Instant startedAt, String rolloutId,
      String service, String region, String revision) {
    ObjectNode root = JSON.createObjectNode().put("version", "1.2");
    ObjectNode i = root.putObject("incident");
    i.put("incident_id", Drill.incidentId(rolloutId))
        .put("scoping_project_id", project)
        .put("started_at", startedAt.getEpochSecond())
        .putNull("ended_at")
        .put("state", "open")
        .put("summary", "canaryrun rollback drill of " + service + ": drill incident on "
            + revision + " (nobody is paged)")
        .put("resource_display_name", revision)
        .put("resource_type_display_name", "Cloud Run Revision");
    i.putObject("resource").put("type", "cloud_run_revision").putObject("labels")
        .put("project_id", project)
        .put("service_name", service)
        .put("revision_name", revision)
        .put("location", region)
        .put("configuration_name", service);
    i.put("policy_name", "canaryrun rollback drill");
    i.putObject("policy_user_labels").put(Drill.INCIDENT_LABEL, rolloutId);
    i.put("condition_name", "rollback drill");
    return root;
  }
}
