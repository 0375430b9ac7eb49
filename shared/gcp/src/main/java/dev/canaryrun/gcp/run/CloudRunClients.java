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

    /** The limits of a function with Terraform's default timeout (120 s). */
    public static Limits defaults() {
      return forFunctionTimeout(Duration.ofSeconds(120));
    }

    /**
     * Limits that keep one router call inside a function invocation of {@code timeout}: the
     * router waits (reconciliation, the UpdateService operation) a quarter of it, then records
     * the intent and lets the next event confirm; RPCs get 5 s per attempt. A Cloud Run
     * deploy takes tens of seconds, so a slow one is confirmed by a later event rather than
     * waited for past the function's deadline (Cloud Functions would kill the invocation and
     * redeliver anyway, without a word of why).
     */
    public static Limits forFunctionTimeout(Duration timeout) {
      if (timeout.compareTo(Duration.ofSeconds(90)) < 0) {
        throw new IllegalArgumentException("function timeout " + timeout + " is too short for "
            + "Cloud Run calls (a quarter of it to wait, three 20 s RPCs); give the functions at "
            + "least 90 s");
      }
      return new Limits(Duration.ofSeconds(5), 3, timeout.dividedBy(4));
    }

    /** The longest one RPC can take with its retries (the client's total timeout). */
    public Duration worstCaseRpc() {
      return GrpcClientSettings.retries(callTimeout, maxAttempts).getTotalTimeoutDuration();
    }

    /**
     * The longest one router call can take: its waits end at {@link #operationTimeout}, and
     * at most three RPCs (read the revision, list revisions, start the update) can still be
     * in flight past that.
     */
    public Duration worstCaseRouterCall() {
      return operationTimeout.plus(worstCaseRpc().multipliedBy(3));
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
