package dev.canaryrun.judge;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;

/** Test data: one-minute buckets with a fixed latency histogram shape. */
final class Buckets {
  static final Instant T0 = Instant.parse("2025-01-06T10:00:00Z");
  static final List<Double> BOUNDS = List.of(50.0, 100.0, 200.0, 400.0);

  private Buckets() {}

  static Instant minute(int m) {
    return T0.plus(Duration.ofMinutes(m));
  }

  /** Bucket m with n requests, e of them 5xx, latency spread 10/40/30/15/5 %. */
  static MetricBucket of(int m, long n, long e) {
    return of(m, n, e, new double[] {0.10, 0.40, 0.30, 0.15, 0.05});
  }

  static MetricBucket of(int m, long n, long e, double[] shape) {
    return of(m, n, e, BOUNDS, shape);
  }

  /** Bucket m over the given histogram bounds; shape has one share per bucket (bounds + 1). */
  static MetricBucket of(int m, long n, long e, List<Double> bounds, double[] shape) {
    Long[] counts = new Long[shape.length];
    long left = n;
    for (int i = 0; i < shape.length - 1; i++) {
      counts[i] = Math.round(n * shape[i]);
      left -= counts[i];
    }
    counts[shape.length - 1] = Math.max(0, left);
    return new MetricBucket(minute(m), minute(m + 1), new RequestCounts(n - e, 0, 0, e),
        new LatencyHistogram(bounds, List.of(counts)), OptionalDouble.empty(),
        OptionalDouble.empty());
  }

  static MetricBucket withUtilisation(MetricBucket b, double cpu, double memory) {
    return new MetricBucket(b.start(), b.end(), b.requests(), b.latency(), OptionalDouble.of(cpu),
        OptionalDouble.of(memory));
  }

  static JudgeInput input(List<MetricBucket> canary, List<MetricBucket> stable, int percent,
      int finalMinute) {
    return new JudgeInput(canary, stable, percent, minute(finalMinute));
  }
}
