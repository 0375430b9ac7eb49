package dev.canaryrun.gcp;

import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.retrying.RetrySettings;
import java.time.Duration;

/**
 * The gRPC settings the Cloud Run and Cloud Monitoring clients share: a plaintext channel for
 * the local control plane, and one retry budget for calls that are safe to repeat.
 */
public final class GrpcClientSettings {
  private GrpcClientSettings() {}

  /** A plaintext channel to {@code host:port} (the local control plane; never production). */
  public static InstantiatingGrpcChannelProvider plaintext(String endpoint) {
    return InstantiatingGrpcChannelProvider.newBuilder()
        .setEndpoint(endpoint)
        .setChannelConfigurator(builder -> builder.usePlaintext())
        .build();
  }

  /**
   * Up to {@code attempts} tries of {@code callTimeout} each, backing off 200 ms doubling to
   * 2 s: enough to ride out a blip, short enough to fit a function invocation, after which the
   * caller's TransientFailure lets Pub/Sub redeliver.
   */
  public static RetrySettings retries(Duration callTimeout, int attempts) {
    return RetrySettings.newBuilder()
        .setInitialRetryDelayDuration(Duration.ofMillis(200))
        .setRetryDelayMultiplier(2.0)
        .setMaxRetryDelayDuration(Duration.ofSeconds(2))
        .setInitialRpcTimeoutDuration(callTimeout)
        .setRpcTimeoutMultiplier(1.0)
        .setMaxRpcTimeoutDuration(callTimeout)
        .setTotalTimeoutDuration(callTimeout.multipliedBy(attempts).plusSeconds(5))
        .setMaxAttempts(attempts)
        .build();
  }
}
