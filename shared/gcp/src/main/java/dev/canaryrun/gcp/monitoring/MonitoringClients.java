package dev.canaryrun.gcp.monitoring;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.rpc.StatusCode.Code;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import com.google.cloud.monitoring.v3.MetricServiceSettings;
import dev.canaryrun.gcp.GrpcClientSettings;
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
        .setTransportChannelProvider(GrpcClientSettings.plaintext(endpoint)));
    b.listTimeSeriesSettings()
        .setRetryableCodes(Code.UNAVAILABLE, Code.DEADLINE_EXCEEDED)
        .setRetrySettings(GrpcClientSettings.retries(callTimeout, maxAttempts));
    try {
      return MetricServiceClient.create(b.build());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the Cloud Monitoring client", e);
    }
  }

  /**
   * The alert policy client a rollback drill lists the service's policies with (README
   * "Rollback drills"), against the same endpoint as the metric client.
   */
  public static com.google.cloud.monitoring.v3.AlertPolicyServiceClient alertPolicies(
      Optional<String> plaintextEndpoint) {
    Objects.requireNonNull(plaintextEndpoint, "plaintextEndpoint");
    com.google.cloud.monitoring.v3.AlertPolicyServiceSettings.Builder b =
        com.google.cloud.monitoring.v3.AlertPolicyServiceSettings.newBuilder();
    plaintextEndpoint.ifPresent(endpoint -> b.setEndpoint(endpoint)
        .setCredentialsProvider(NoCredentialsProvider.create())
        .setTransportChannelProvider(GrpcClientSettings.plaintext(endpoint)));
    try {
      return com.google.cloud.monitoring.v3.AlertPolicyServiceClient.create(b.build());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the Cloud Monitoring alert policy client", e);
    }
  }
}
