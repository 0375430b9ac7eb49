package dev.canaryrun.judge;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One aligned metric bucket [start, end) of one revision. CPU and memory are the bucket's
 * utilisation (0..1, high percentile or mean as the reader documents); empty when Cloud
 * Monitoring had no point for the bucket. {@code containers}: the instances started and
 * running ({@link ContainerActivity}), which explain a cold candidate.
 */
public record MetricBucket(
    Instant start,
    Instant end,
    RequestCounts requests,
    LatencyHistogram latency,
    OptionalDouble cpuUtilisation,
    OptionalDouble memoryUtilisation,
    ContainerActivity containers) {

  public MetricBucket {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(requests, "requests");
    Objects.requireNonNull(latency, "latency");
    Objects.requireNonNull(cpuUtilisation, "cpuUtilisation");
    Objects.requireNonNull(memoryUtilisation, "memoryUtilisation");
    Objects.requireNonNull(containers, "containers");
    if (!end.isAfter(start)) {
      throw new IllegalArgumentException("bucket end " + end + " must be after start " + start);
    }
  }

  /** A bucket without instance figures (readers and simulations that have none). */
  public MetricBucket(Instant start, Instant end, RequestCounts requests,
      LatencyHistogram latency, OptionalDouble cpuUtilisation, OptionalDouble memoryUtilisation) {
    this(start, end, requests, latency, cpuUtilisation, memoryUtilisation,
        ContainerActivity.NONE);
  }

  public static MetricBucket empty(Instant start, Instant end) {
    return new MetricBucket(start, end, RequestCounts.ZERO, LatencyHistogram.EMPTY,
        OptionalDouble.empty(), OptionalDouble.empty());
  }
}
