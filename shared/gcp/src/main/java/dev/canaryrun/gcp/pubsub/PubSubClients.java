package dev.canaryrun.gcp.pubsub;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.pubsub.v1.TopicName;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Connection settings for Pub/Sub: the real service (Application Default Credentials) or the
 * emulator (one shared plaintext channel, no credentials). Closing it closes that channel.
 */
public final class PubSubClients implements AutoCloseable {
  private final String projectId;
  private final ManagedChannel emulatorChannel;

  private PubSubClients(String projectId, ManagedChannel emulatorChannel) {
    this.projectId = Objects.requireNonNull(projectId, "projectId");
    this.emulatorChannel = emulatorChannel;
  }

  public static PubSubClients production(String projectId) {
    return new PubSubClients(projectId, null);
  }

  /** @param hostPort the emulator's plaintext gRPC endpoint, e.g. 127.0.0.1:8085 */
  public static PubSubClients emulator(String projectId, String hostPort) {
    Objects.requireNonNull(hostPort, "hostPort");
    return new PubSubClients(projectId,
        ManagedChannelBuilder.forTarget(hostPort).usePlaintext().build());
  }

  public String projectId() {
    return projectId;
  }

  public TopicName topic(String topicId) {
    return TopicName.of(projectId, topicId);
  }

  /** A new publisher for the topic; the caller owns it (shutdown). */
  public Publisher publisher(String topicId, boolean messageOrdering) throws IOException {
    Publisher.Builder b = Publisher.newBuilder(topic(topicId))
        .setEnableMessageOrdering(messageOrdering);
    if (emulatorChannel != null) {
      b.setChannelProvider(channel()).setCredentialsProvider(noCredentials());
    }
    return b.build();
  }

  public TopicAdminClient topicAdmin() throws IOException {
    TopicAdminSettings.Builder b = TopicAdminSettings.newBuilder();
    if (emulatorChannel != null) {
      b.setTransportChannelProvider(channel()).setCredentialsProvider(noCredentials());
    }
    return TopicAdminClient.create(b.build());
  }

  public SubscriptionAdminClient subscriptionAdmin() throws IOException {
    SubscriptionAdminSettings.Builder b = SubscriptionAdminSettings.newBuilder();
    if (emulatorChannel != null) {
      b.setTransportChannelProvider(channel()).setCredentialsProvider(noCredentials());
    }
    return SubscriptionAdminClient.create(b.build());
  }

  @Override
  public void close() {
    if (emulatorChannel != null) {
      emulatorChannel.shutdown();
      try {
        emulatorChannel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private TransportChannelProvider channel() {
    return FixedTransportChannelProvider.create(GrpcTransportChannel.create(emulatorChannel));
  }

  private static CredentialsProvider noCredentials() {
    return NoCredentialsProvider.create();
  }
}
