package dev.canaryrun.gcp.monitoring;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.StatusCode.Code;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import com.google.cloud.monitoring.v3.MetricServiceSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds the one {@link MetricServiceClient} a process uses. ListTimeSeries is a read, so
 * the client library retries UNAVAILABLE and DEADLINE_EXCEEDED itself, a few times with
 * backoff, within one tick's budget; what still fails becomes a TransientFailure.
 */
public final class MonitoringClients {

  private MonitoringClients() {}

  /**
   * @param plaintextEndpoint host:port of a local plaintext gRPC server (tests, demo:
   *     CANARYRUN_MONITORING_ENDPOINT); empty for the real API with Application Default
   *     Credentials
   */
  public static MetricServiceClient create(Optional<String> plaintextEndpoint) {
    return create(plaintextEndpoint, Duration.ofSeconds(30), 3);
  }

  public static MetricServiceClient create(Optional<String> plaintextEndpoint,
      Duration callTimeout, int maxAttempts) {
    Objects.requireNonNull(plaintextEndpoint, "plaintextEndpoint");
    MetricServiceSettings.Builder b = MetricServiceSettings.newBuilder();
    plaintextEndpoint.ifPresent(endpoint -> b.setEndpoint(endpoint)
        .setCredentialsProvider(NoCredentialsProvider.create())
        .setTransportChannelProvider(InstantiatingGrpcChannelProvider.newBuilder()
            .setEndpoint(endpoint)
            .setChannelConfigurator(builder -> builder.usePlaintext())
            .build()));
    b.listTimeSeriesSettings()
        .setRetryableCodes(Code.UNAVAILABLE, Code.DEADLINE_EXCEEDED)
        .setRetrySettings(RetrySettings.newBuilder()
            .setInitialRetryDelayDuration(Duration.ofMillis(200))
            .setRetryDelayMultiplier(2.0)
            .setMaxRetryDelayDuration(Duration.ofSeconds(2))
            .setInitialRpcTimeoutDuration(callTimeout)
            .setRpcTimeoutMultiplier(1.0)
            .setMaxRpcTimeoutDuration(callTimeout)
            .setTotalTimeoutDuration(callTimeout.multipliedBy(maxAttempts).plusSeconds(5))
            .setMaxAttempts(maxAttempts)
            .build());
    try {
      return MetricServiceClient.create(b.build());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the Cloud Monitoring client", e);
    }
  }
}
