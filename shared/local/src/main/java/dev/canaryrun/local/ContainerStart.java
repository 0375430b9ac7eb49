package dev.canaryrun.local;

import java.util.Objects;
import java.time.Instant;

/**
 * One container instance of a revision started at {@code at}, after {@code startupMs}: the raw
 * material of Cloud Run's {@code container/startup_latencies} and {@code container/instance_count}.
 *
 * <p>The local model: a revision whose minimum instances are provisioned (in the split or
 * tagged, see {@link RevisionScalingModel}) starts them when it is deployed, before any
 * request; one without starts its first instance on its first request (a cold start, which
 * is what the judge's latency warm-up and its "still cold" note are about). Instances are not
 * scaled in: the fake serves with one process per revision whatever the count says.
 */
public record ContainerStart(RevisionKey resource, double startupMs, Instant at) {
  /** The startup latency the local model gives every instance. */
  public static final double STARTUP_MS = 1200;

  public ContainerStart {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(at, "at");
    if (!(startupMs >= 0)) {
      throw new IllegalArgumentException("startupMs must be >= 0, got " + startupMs);
    }
  }
}
