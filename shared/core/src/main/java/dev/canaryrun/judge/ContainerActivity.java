package dev.canaryrun.judge;

import java.util.OptionalDouble;

/**
 * A revision's instances in one bucket, from Cloud Run's {@code container/startup_latencies}
 * (one point per instance started: how many, and how long they took) and
 * {@code container/instance_count} (the mean number of instances). The judge does not test
 * these: they explain whether the candidate was still cold when its latency was judged.
 *
 * @param starts instances started in the bucket
 * @param startupMillis their startup latencies summed (ms)
 * @param instances the mean instance count, empty when Monitoring had no point
 */
public record ContainerActivity(long starts, double startupMillis, OptionalDouble instances) {
  public static final ContainerActivity NONE = new ContainerActivity(0, 0, OptionalDouble.empty());

  public ContainerActivity {
    if (starts < 0 || !(startupMillis >= 0)) {
      throw new IllegalArgumentException("starts and startupMillis must be >= 0, got " + starts
          + ", " + startupMillis);
    }
    java.util.Objects.requireNonNull(instances, "instances");
  }
}
