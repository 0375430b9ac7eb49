package dev.canaryrun.cli.demo;

import com.google.api.gax.core.InstantiatingExecutorProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.TopicName;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The canaryrun topics on the Pub/Sub emulator, each with one pull subscription named after
 * its function, consumed by streaming pull: the same path a message takes from Cloud Build or
 * Cloud Monitoring to the function's trigger, minus Eventarc's push.
 */
final class PubSubEmulatorBus implements MessageBus {
  private final String projectId;
  private final String host;
  private final ManagedChannel channel;
  private final TransportChannelProvider transport;
  private final Map<String, Publisher> publishers = new ConcurrentHashMap<>();
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();

  PubSubEmulatorBus(String projectId, String host) {
    this.projectId = projectId;
    this.host = host;
    this.channel = ManagedChannelBuilder.forTarget(host).usePlaintext().build();
    this.transport = FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
    createTopicsAndSubscriptions();
  }

  @Override
  public String describe() {
    return "Pub/Sub emulator at " + host;
  }

  @Override
  public String projectId() {
    return projectId;
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

  @Override
  public String publish(String topic, byte[] data, Map<String, String> attributes) {
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

  @Override
  public void subscribe(String topic, Handler handler) {
    String subscription = Topics.subscription(topic);
    Subscriber s = Subscriber.newBuilder(ProjectSubscriptionName.of(projectId, subscription),
            (PubsubMessage m, com.google.cloud.pubsub.v1.AckReplyConsumer reply) -> {
              BusMessage message = new BusMessage(topic, subscription, m.getMessageId(),
                  Instant.ofEpochSecond(m.getPublishTime().getSeconds(),
                      m.getPublishTime().getNanos()),
                  m.getData().toByteArray(), m.getAttributesMap(), 1);
              try {
                handler.handle(message);
                reply.ack();
              } catch (Exception e) {
                reply.nack();
              }
            })
        .setChannelProvider(transport)
        .setCredentialsProvider(NoCredentialsProvider.create())
        .setParallelPullCount(1)
        // Two cores: one callback thread per topic keeps the machine for the revisions.
        .setExecutorProvider(InstantiatingExecutorProvider.newBuilder()
            .setExecutorThreadCount(1).build())
        .build();
    s.startAsync().awaitRunning();
    subscribers.add(s);
  }

  @Override
  public void close() {
    for (Subscriber s : subscribers) {
      s.stopAsync();
    }
    for (Subscriber s : subscribers) {
      try {
        s.awaitTerminated(3, TimeUnit.SECONDS);
      } catch (TimeoutException | IllegalStateException e) {
        // shutting down anyway
      }
    }
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
