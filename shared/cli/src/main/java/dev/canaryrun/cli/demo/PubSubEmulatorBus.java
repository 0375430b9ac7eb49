package dev.canaryrun.cli.demo;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.stub.GrpcSubscriberStub;
import com.google.cloud.pubsub.v1.stub.SubscriberStub;
import com.google.cloud.pubsub.v1.stub.SubscriberStubSettings;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.AcknowledgeRequest;
import com.google.pubsub.v1.ModifyAckDeadlineRequest;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.TopicName;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The canaryrun topics on the Pub/Sub emulator, each with one pull subscription named after
 * its function: the same path a message takes from Cloud Build or Cloud Monitoring to the
 * function's trigger, with the demo pulling where Eventarc would push. At-least-once like
 * Pub/Sub: a handler that throws gets the message again (a function that rethrows a transient
 * failure relies on exactly that).
 */
final class PubSubEmulatorBus implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger("canaryrun.demo.bus");
  static final Duration POLL_INTERVAL = Duration.ofMillis(20);
  static final Duration NACK_BACKOFF = Duration.ofMillis(200);
  private final String projectId;
  private final String host;
  private final ManagedChannel channel;
  private final TransportChannelProvider transport;
  private final Map<String, Publisher> publishers = new ConcurrentHashMap<>();
  private final List<Thread> pullers = new CopyOnWriteArrayList<>();
  private final SubscriberStub subscriber;
  private volatile boolean closed;

  PubSubEmulatorBus(String projectId, String host) {
    this.projectId = projectId;
    this.host = host;
    this.channel = ManagedChannelBuilder.forTarget(host).usePlaintext().build();
    this.transport = FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
    createTopicsAndSubscriptions();
    try {
      this.subscriber = GrpcSubscriberStub.create(SubscriberStubSettings.newBuilder()
          .setTransportChannelProvider(transport)
          .setCredentialsProvider(NoCredentialsProvider.create())
          .build());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a Pub/Sub subscriber stub for " + host, e);
    }
  }

  /** Handles one delivery; throwing nacks it (redelivery). */
  @FunctionalInterface
  interface Handler {
    void handle(BusMessage message) throws Exception;
  }

  String describe() {
    return "Pub/Sub emulator at " + host;
  }

  private void createTopicsAndSubscriptions() {
    try (TopicAdminClient topics = TopicAdminClient.create(TopicAdminSettings.newBuilder()
            .setTransportChannelProvider(transport)
            .setCredentialsProvider(NoCredentialsProvider.create()).build());
        SubscriptionAdminClient subs = SubscriptionAdminClient.create(
            SubscriptionAdminSettings.newBuilder()
                .setTransportChannelProvider(transport)
                .setCredentialsProvider(NoCredentialsProvider.create()).build())) {
      for (String topic : Topics.ALL) {
        TopicName name = TopicName.of(projectId, topic);
        topics.createTopic(name);
        subs.createSubscription(Subscription.newBuilder()
            .setName(ProjectSubscriptionName.format(projectId, Topics.subscription(topic)))
            .setTopic(name.toString())
            // Short, so that a nacked or lost delivery comes back within the compressed demo.
            .setAckDeadlineSeconds(10)
            .build());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the demo topics on " + host, e);
    }
  }

  /** Publishes and waits until the emulator accepted it; returns the message id. */
  String publish(String topic, byte[] data, Map<String, String> attributes) {
    Publisher p = publishers.computeIfAbsent(topic, t -> {
      try {
        return Publisher.newBuilder(TopicName.of(projectId, t))
            .setChannelProvider(transport)
            .setCredentialsProvider(NoCredentialsProvider.create())
            .build();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    try {
      return p.publish(PubsubMessage.newBuilder()
          .setData(ByteString.copyFrom(data))
          .putAllAttributes(attributes)
          .build()).get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("publishing to " + topic + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing to " + topic, e);
    }
  }

  /**
   * Delivers the subscription's messages to {@code handler} from a pull loop on its own
   * thread: ack on success, nack (ack deadline 0, immediate redelivery) on failure.
   *
   * <p>Unary Pull, not StreamingPull: the emulator (0.8.x) fails with a NoSuchMethodError in
   * its gRPC stack whenever a client resets a stream, which the Java Subscriber does from time
   * to time, and the stream's messages then go nowhere until their ack deadline. Unary pulls
   * never reset anything.
   */
  void subscribe(String topic, Handler handler) {
    String subscription = ProjectSubscriptionName.format(projectId, Topics.subscription(topic));
    Thread t = new Thread(() -> pullLoop(topic, subscription, handler), "pull-" + topic);
    t.setDaemon(true);
    pullers.add(t);
    t.start();
  }

  private void pullLoop(String topic, String subscription, Handler handler) {
    while (!closed) {
      List<ReceivedMessage> received;
      try {
        received = subscriber.pullCallable().call(PullRequest.newBuilder()
            .setSubscription(subscription).setMaxMessages(20).build()).getReceivedMessagesList();
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        LOG.log(Level.WARNING, "pull from " + subscription + " failed", e);
        received = List.of();
      }
      if (received.isEmpty()) {
        // The emulator answers an empty pull at once: wait a little before asking again, short
        // enough that an alert still reaches its function within tens of milliseconds.
        pause(POLL_INTERVAL);
        continue;
      }
      for (ReceivedMessage r : received) {
        deliver(topic, subscription, handler, r);
      }
    }
  }

  private void deliver(String topic, String subscription, Handler handler, ReceivedMessage r) {
    PubsubMessage m = r.getMessage();
    BusMessage message = new BusMessage(topic, Topics.subscription(topic), m.getMessageId(),
        Instant.ofEpochSecond(m.getPublishTime().getSeconds(), m.getPublishTime().getNanos()),
        m.getData().toByteArray(), m.getAttributesMap(), Math.max(1, r.getDeliveryAttempt()));
    LOG.fine(() -> "delivery of " + topic + " message " + m.getMessageId() + ", "
        + Duration.between(message.publishTime(), Instant.now()).toMillis()
        + " ms after publishing");
    try {
      handler.handle(message);
      subscriber.acknowledgeCallable().call(AcknowledgeRequest.newBuilder()
          .setSubscription(subscription).addAckIds(r.getAckId()).build());
    } catch (Exception e) {
      LOG.log(Level.WARNING, "handler of " + topic + " failed on message " + m.getMessageId()
          + ", nacked for redelivery", e);
      try {
        subscriber.modifyAckDeadlineCallable().call(ModifyAckDeadlineRequest.newBuilder()
            .setSubscription(subscription).addAckIds(r.getAckId()).setAckDeadlineSeconds(0)
            .build());
      } catch (RuntimeException nackFailed) {
        // the ack deadline expires on its own and the message comes back
      }
      pause(NACK_BACKOFF); // Pub/Sub's retry policy would back off too
    }
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Thread t : pullers) {
      t.interrupt();
    }
    subscriber.close();
    for (Publisher p : publishers.values()) {
      p.shutdown();
      try {
        p.awaitTermination(3, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    channel.shutdownNow();
  }
}
