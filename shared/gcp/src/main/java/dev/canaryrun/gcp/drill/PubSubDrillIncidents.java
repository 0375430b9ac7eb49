package dev.canaryrun.gcp.drill;

import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.canaryrun.gcp.pubsub.PubSubClients;
import dev.canaryrun.port.DrillIncidents;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.rollout.Effect.FireDrillIncident;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * {@link DrillIncidents} on Pub/Sub: the drill incident ({@link DrillIncidentMessage}) goes on
 * canaryrun-alerts, the topic Cloud Monitoring's channel publishes real incidents to. It never
 * passes through Monitoring, so no other notification channel pages anybody.
 */
public final class PubSubDrillIncidents implements DrillIncidents, AutoCloseable {
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
    String body = DrillIncidentMessage.body(project, clock.instant(), f.rolloutId(),
        f.service(), f.region(), f.revision()).toString();
    try {
      publisher.publish(PubsubMessage.newBuilder().setData(ByteString.copyFromUtf8(body))
          .putAttributes("drill", "true").build()).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientFailure("interrupted publishing drill incident " + f.incidentId(), e);
    } catch (Exception e) {
      throw new TransientFailure("publishing drill incident " + f.incidentId() + " failed: " + e,
          e);
    }
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
