package dev.canaryrun.gcp.pubsub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.core.ApiFuture;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.canaryrun.port.EventPublisher;
import dev.canaryrun.port.PermanentFailure;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.rollout.Effect.Notify;
import dev.canaryrun.rollout.Effect.ScheduleTick;
import dev.canaryrun.rollout.Rollout;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link EventPublisher} on Pub/Sub. Lifecycle notifications go to the events topic as JSON with
 * the rollout id as ordering key, so a subscriber sees one rollout's story in order; follow-up
 * ticks go to the ticks topic. Each call waits for the broker's ack: a notification that was
 * never published must fail the event, so that Pub/Sub redelivers it.
 *
 * <p>Thread-safe. One {@link Publisher} per topic, created on first use and reused (they batch
 * and hold connections); {@link #close} shuts them down.
 */
public final class PubSubEventPublisher implements EventPublisher, AutoCloseable {
  public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(30);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final PubSubClients clients;
  private final String eventsTopic;
  private final String ticksTopic;
  private final Clock clock;
  private final Duration timeout;
  private final Map<String, Publisher> publishers = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public PubSubEventPublisher(PubSubClients clients, String eventsTopic, String ticksTopic,
      Clock clock, Duration publishTimeout) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.eventsTopic = Objects.requireNonNull(eventsTopic, "eventsTopic");
    this.ticksTopic = Objects.requireNonNull(ticksTopic, "ticksTopic");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.timeout = Objects.requireNonNull(publishTimeout, "publishTimeout");
  }

  public PubSubEventPublisher(PubSubClients clients, String eventsTopic, String ticksTopic,
      Clock clock) {
    this(clients, eventsTopic, ticksTopic, clock, DEFAULT_PUBLISH_TIMEOUT);
  }

  @Override
  public void notify(Rollout rollout, Notify notification) {
    ObjectNode body = JSON.createObjectNode()
        .put("type", notification.type().name())
        .put("rolloutId", rollout.id())
        .put("service", rollout.service())
        .put("region", rollout.region())
        .put("releaseId", rollout.releaseId()) // null for a release of one region
        .put("state", rollout.state().name())
        .put("candidatePercent", rollout.traffic().candidatePercent())
        .put("message", notification.message());
    body.set("details", JSON.valueToTree(JsonValues.of(notification.details())));
    body.put("at", clock.instant().toString());
    PubsubMessage.Builder builder = PubsubMessage.newBuilder()
        .setData(ByteString.copyFromUtf8(body.toString()))
        .putAttributes("type", notification.type().name())
        .putAttributes("service", rollout.service())
        .putAttributes("rolloutId", rollout.id())
        .putAttributes("region", rollout.region());
    if (rollout.releaseId() != null) {
      builder.putAttributes("releaseId", rollout.releaseId()); // filter a release's events
    }
    PubsubMessage message = builder.setOrderingKey(rollout.id()).build();
    publish(eventsTopic, true, message,
        notification.type() + " notification of rollout " + rollout.id());
  }

  @Override
  public void scheduleTick(ScheduleTick tick) {
    ObjectNode body = JSON.createObjectNode()
        .put("rolloutId", tick.rolloutId())
        .put("expectedStep", tick.expectedStep());
    PubsubMessage message = PubsubMessage.newBuilder()
        .setData(ByteString.copyFromUtf8(body.toString()))
        .putAttributes("rolloutId", tick.rolloutId())
        .build();
    publish(ticksTopic, false, message, "follow-up tick of rollout " + tick.rolloutId());
  }

  private void publish(String topic, boolean ordered, PubsubMessage message, String what) {
    Publisher publisher = publisher(topic, ordered);
    String key = message.getOrderingKey();
    if (!key.isEmpty()) {
      // A failed publish pauses its key, and the publisher may do so after our resume in the
      // failure path below has run; resuming first keeps one failure from failing the next
      // event of the rollout too. Each event is retried by redelivery, not by the key's queue.
      publisher.resumePublish(key);
    }
    ApiFuture<String> future = publisher.publish(message);
    try {
      future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // A failed ordered publish pauses its ordering key: later messages for the rollout would
      // fail too until the key is resumed. The redelivered event publishes it again.
      if (!key.isEmpty()) {
        publisher.resumePublish(key);
      }
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new TransientFailure("publishing the " + what + " to " + topic + " failed: "
          + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientFailure("interrupted while publishing the " + what, e);
    }
  }

  private Publisher publisher(String topic, boolean ordered) {
    if (closed) {
      throw new IllegalStateException("the event publisher is closed");
    }
    return publishers.computeIfAbsent(topic, t -> {
      try {
        return clients.publisher(t, ordered);
      } catch (IOException e) {
        // Building a publisher fails on configuration (credentials), which retrying cannot fix.
        throw new PermanentFailure("cannot create a Pub/Sub publisher for "
            + clients.topic(t) + ": " + e.getMessage(), e);
      }
    });
  }

  /** Flushes and shuts down every publisher (waiting up to the publish timeout). */
  @Override
  public void close() {
    closed = true;
    for (Publisher p : publishers.values()) {
      p.shutdown();
    }
    for (Publisher p : publishers.values()) {
      try {
        p.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    publishers.clear();
  }
}
