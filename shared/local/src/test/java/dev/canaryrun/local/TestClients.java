package dev.canaryrun.local;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import com.google.cloud.monitoring.v3.MetricServiceSettings;
import com.google.cloud.run.v2.RevisionsClient;
import com.google.cloud.run.v2.RevisionsSettings;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.run.v2.ServicesSettings;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The real Google clients, pointed at a plaintext local endpoint (as the adapters do). */
final class TestClients {

  private TestClients() {}

  // gax declares the configurator over the raw ManagedChannelBuilder type.
  @SuppressWarnings("rawtypes")
  static InstantiatingGrpcChannelProvider channel(String endpoint) {
    return InstantiatingGrpcChannelProvider.newBuilder()
        .setEndpoint(endpoint)
        .setChannelConfigurator(ManagedChannelBuilder::usePlaintext)
        .build();
  }

  static ServicesClient services(String endpoint) {
    try {
      return ServicesClient.create(ServicesSettings.newBuilder()
          .setEndpoint(endpoint)
          .setCredentialsProvider(NoCredentialsProvider.create())
          .setTransportChannelProvider(channel(endpoint))
          .build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RevisionsClient revisions(String endpoint) {
    try {
      return RevisionsClient.create(RevisionsSettings.newBuilder()
          .setEndpoint(endpoint)
          .setCredentialsProvider(NoCredentialsProvider.create())
          .setTransportChannelProvider(channel(endpoint))
          .build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static MetricServiceClient monitoring(String endpoint) {
    try {
      return MetricServiceClient.create(MetricServiceSettings.newBuilder()
          .setEndpoint(endpoint)
          .setCredentialsProvider(NoCredentialsProvider.create())
          .setTransportChannelProvider(channel(endpoint))
          .build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
