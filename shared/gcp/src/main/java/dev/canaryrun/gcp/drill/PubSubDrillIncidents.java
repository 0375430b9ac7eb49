package dev.canaryrun.gcp.drill;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.canaryrun.gcp.pubsub.PubSubClients;
import dev.canaryrun.port.DrillIncidents;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.rollout.Drill;
import dev.canaryrun.rollout.Effect.FireDrillIncident;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * {@link DrillIncidents} on Pub/Sub: the drill incident is published on canaryrun-alerts as
 * Cloud Monitoring's pubsub channel publishes an incident (notification schema 1.2, resource
 * {@code cloud_run_revision} with service, revision and location), so the alert function
 * reads it with the same decoder as a real one. It is marked as a drill by the alert policy
 * user label {@link Drill#INCIDENT_LABEL} (the drill rollout's id) and its policy name, and
 * it never passes through Monitoring, so no other notification channel pages anybody.
 */
public final class PubSubDrillIncidents implements DrillIncidents, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Publisher publisher;
  private final String project;
  private final Clock clock;

  public PubSubDrillIncidents(PubSubClients clients, String alertsTopic, String project,
      Clock clock) {
    try {
      this.publisher = clients.publisher(alertsTopic, false);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a publisher for " + alertsTopic, e);
    }
    this.project = project;
    this.clock = clock;
  }

  @Override
  public void publish(FireDrillIncident f) {
    try {
      publisher.publish(PubsubMessage.newBuilder()
          .setData(ByteString.copyFromUtf8(body(f).toString()))
          .putAttributes("drill", "true").build()).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientFailure("interrupted publishing drill incident " + f.incidentId(), e);
    } catch (Exception e) {
      throw new TransientFailure("publishing drill incident " + f.incidentId() + " failed: " + e,
          e);
    }
  }

  ObjectNode body(FireDrillIncident f) {
    ObjectNode root = JSON.createObjectNode().put("version", "1.2");
    ObjectNode i = root.putObject("incident");
    i.put("incident_id", f.incidentId())
        .put("scoping_project_id", project)
        .put("started_at", clock.instant().getEpochSecond())
        .putNull("ended_at")
        .put("state", "open")
        .put("summary", "canaryrun rollback drill of " + f.service() + ": drill incident on "
            + f.revision() + " (nobody is paged)")
        .put("resource_display_name", f.revision())
        .put("resource_type_display_name", "Cloud Run Revision");
    i.putObject("resource").put("type", "cloud_run_revision").putObject("labels")
        .put("project_id", project)
        .put("service_name", f.service())
        .put("revision_name", f.revision())
        .put("location", f.region())
        .put("configuration_name", f.service());
    i.put("policy_name", "canaryrun rollback drill");
    i.putObject("policy_user_labels").put(Drill.INCIDENT_LABEL, f.rolloutId());
    i.put("condition_name", "rollback drill");
    return root;
  }

  @Override
  public void close() {
    publisher.shutdown();
    try {
      publisher.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
