package dev.canaryrun.gcp.run;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.longrunning.OperationSnapshot;
import com.google.api.gax.longrunning.OperationTimedPollAlgorithm;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.StatusCode.Code;
import com.google.api.gax.rpc.UnaryCallSettings;
import com.google.cloud.run.v2.RevisionsClient;
import com.google.cloud.run.v2.RevisionsSettings;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.run.v2.ServicesSettings;
import com.google.cloud.run.v2.UpdateServiceRequest;
import dev.canaryrun.gcp.GrpcClientSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The Cloud Run Admin API v2 clients canaryrun uses, built once per process and shared
 * (each owns a gRPC channel; building one per call would pay the TLS handshake every tick).
 *
 * <p>Retries of transient errors are the client library's job, configured here: reads
 * retry UNAVAILABLE and DEADLINE_EXCEEDED; the UpdateService call that starts an operation
 * retries UNAVAILABLE only, which is safe because every update carries the service's etag
 * (a retried update that already landed fails the etag check and is re-planned from a fresh
 * read instead of being applied twice).
 */
public final class CloudRunClients implements AutoCloseable {

  /**
   * @param callTimeout deadline of one RPC attempt
   * @param maxAttempts attempts per RPC (first try included) for retryable codes
   * @param operationTimeout how long to wait for an UpdateService operation to finish
   */
  public record Limits(Duration callTimeout, int maxAttempts, Duration operationTimeout) {
    public Limits {
      Objects.requireNonNull(callTimeout, "callTimeout");
      Objects.requireNonNull(operationTimeout, "operationTimeout");
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
      }
    }

    /** A Cloud Run deploy takes tens of seconds; a function invocation has minutes. */
    public static Limits defaults() {
      return new Limits(Duration.ofSeconds(30), 3, Duration.ofMinutes(5));
    }
  }

  private final ServicesClient services;
  private final RevisionsClient revisions;
  private final Limits limits;

  private CloudRunClients(ServicesClient services, RevisionsClient revisions, Limits limits) {
    this.services = services;
    this.revisions = revisions;
    this.limits = limits;
  }

  /**
   * @param plaintextEndpoint host:port of a local plaintext gRPC server (tests, demo:
   *     CANARYRUN_RUN_ENDPOINT); empty for the real API with Application Default Credentials
   */
  public static CloudRunClients create(Optional<String> plaintextEndpoint) {
    return create(plaintextEndpoint, Limits.defaults());
  }

  public static CloudRunClients create(Optional<String> plaintextEndpoint, Limits limits) {
    Objects.requireNonNull(plaintextEndpoint, "plaintextEndpoint");
    Objects.requireNonNull(limits, "limits");
    try {
      ServicesSettings.Builder s = ServicesSettings.newBuilder();
      RevisionsSettings.Builder r = RevisionsSettings.newBuilder();
      if (plaintextEndpoint.isPresent()) {
        String endpoint = plaintextEndpoint.get();
        s.setEndpoint(endpoint)
            .setCredentialsProvider(NoCredentialsProvider.create())
            .setTransportChannelProvider(GrpcClientSettings.plaintext(endpoint));
        r.setEndpoint(endpoint)
            .setCredentialsProvider(NoCredentialsProvider.create())
            .setTransportChannelProvider(GrpcClientSettings.plaintext(endpoint));
      }
      RetrySettings retries = GrpcClientSettings.retries(limits.callTimeout(), limits.maxAttempts());
      s.getServiceSettings().setRetryableCodes(Code.UNAVAILABLE, Code.DEADLINE_EXCEEDED)
          .setRetrySettings(retries);
      r.getRevisionSettings().setRetryableCodes(Code.UNAVAILABLE, Code.DEADLINE_EXCEEDED)
          .setRetrySettings(retries);
      // The operation callable has its own copy of the initial call's settings.
      UnaryCallSettings<UpdateServiceRequest, OperationSnapshot> startUpdate =
          UnaryCallSettings.<UpdateServiceRequest, OperationSnapshot>newUnaryCallSettingsBuilder()
              .setRetryableCodes(Code.UNAVAILABLE)
              .setRetrySettings(retries)
              .build();
      s.updateServiceSettings().setRetryableCodes(Code.UNAVAILABLE)
          .setRetrySettings(startUpdate.getRetrySettings());
      s.updateServiceOperationSettings().setInitialCallSettings(startUpdate);
      s.updateServiceOperationSettings().setPollingAlgorithm(OperationTimedPollAlgorithm.create(
          RetrySettings.newBuilder()
              .setInitialRetryDelayDuration(Duration.ofMillis(500))
              .setRetryDelayMultiplier(1.5)
              .setMaxRetryDelayDuration(Duration.ofSeconds(5))
              .setInitialRpcTimeoutDuration(Duration.ZERO)
              .setRpcTimeoutMultiplier(1.0)
              .setMaxRpcTimeoutDuration(Duration.ZERO)
              .setTotalTimeoutDuration(limits.operationTimeout())
              .build()));
      ServicesClient services = ServicesClient.create(s.build());
      try {
        return new CloudRunClients(services, RevisionsClient.create(r.build()), limits);
      } catch (IOException | RuntimeException e) {
        services.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create Cloud Run clients", e);
    }
  }

  public ServicesClient services() {
    return services;
  }

  public RevisionsClient revisions() {
    return revisions;
  }

  public Limits limits() {
    return limits;
  }

  @Override
  public void close() {
    services.close();
    revisions.close();
  }
}
