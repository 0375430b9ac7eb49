package dev.canaryrun.local;

import com.google.api.MetricDescriptor.MetricKind;
import com.google.api.MetricDescriptor.ValueType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Cloud Run metrics the emulator serves, each computed from the raw records of the
 * {@link TimeSeriesStore}. Bucket layouts are fixed per metric, as in the real API, so
 * distributions of different revisions and minutes can be summed bucket-wise.
 */
enum RunMetric {

  REQUEST_COUNT("run.googleapis.com/request_count", ValueType.INT64, "1", null),
  REQUEST_LATENCIES("run.googleapis.com/request_latencies", ValueType.DISTRIBUTION, "ms",
      // 1 ms .. ~4e14 ms in factors of 1.4: the shape Google's serving latency metrics use.
      new Histogram.Exponential(100, 1.4, 1.0)),
  CPU_UTILIZATIONS("run.googleapis.com/container/cpu/utilizations", ValueType.DISTRIBUTION,
      "10^2.%", new Histogram.Linear(100, 0.01, 0.0)),
  MEMORY_UTILIZATIONS("run.googleapis.com/container/memory/utilizations",
      ValueType.DISTRIBUTION, "10^2.%", new Histogram.Linear(100, 0.01, 0.0)),
  /** One point per instance started, its startup latency in ms ({@link ContainerStart}). */
  STARTUP_LATENCIES("run.googleapis.com/container/startup_latencies", ValueType.DISTRIBUTION,
      "ms", new Histogram.Exponential(100, 1.4, 1.0)),
  /**
   * GAUGE INT64, label state (active, idle): one sample per instance per minute from its
   * start on, so a bucket's ALIGN_MEAN is the mean number of instances. Every local
   * instance counts as active (the fake has no idle state).
   */
  INSTANCE_COUNT("run.googleapis.com/container/instance_count", ValueType.INT64, "1", null);

  /**
   * One observation: a request (value 1 or its latency) or a utilisation level, {@code weight}
   * times (a recorded history's batch of requests; 1 otherwise).
   */
  record Sample(Map<String, String> metricLabels, RevisionKey resource, Instant at,
      double value, long weight) {}

  final String type;
  final ValueType valueType;
  final String unit;
  final Histogram.Layout layout;

  RunMetric(String type, ValueType valueType, String unit, Histogram.Layout layout) {
    this.type = type;
    this.valueType = valueType;
    this.unit = unit;
    this.layout = layout;
  }

  MetricKind kind() {
    return this == INSTANCE_COUNT ? MetricKind.GAUGE : MetricKind.DELTA;
  }

  static Optional<RunMetric> byType(String type) {
    for (RunMetric m : values()) {
      if (m.type.equals(type)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  List<Sample> samples(List<RequestRecord> requests, List<RequestBatch> batches,
      List<UtilisationRecord> utilisations, List<ContainerStart> starts, Instant until) {
    List<Sample> out = new ArrayList<>();
    switch (this) {
      case STARTUP_LATENCIES -> {
        for (ContainerStart c : starts) {
          out.add(new Sample(Map.of(), c.resource(), c.at(), c.startupMs(), 1));
        }
      }
      case INSTANCE_COUNT -> {
        for (ContainerStart c : starts) {
          // A gauge point at the end of every minute the instance was up.
          Instant minute = c.at().truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
              .plusSeconds(60);
          for (; !minute.isAfter(until); minute = minute.plusSeconds(60)) {
            out.add(new Sample(Map.of("state", "active"), c.resource(), minute, 1, 1));
          }
        }
      }
      case REQUEST_COUNT, REQUEST_LATENCIES -> {
        for (RequestRecord r : requests) {
          Map<String, String> labels = Map.of(
              "response_code", Integer.toString(r.statusCode()),
              "response_code_class", r.responseCodeClass());
          out.add(new Sample(labels, r.resource(), r.at(),
              this == REQUEST_COUNT ? 1 : r.latencyMs(), 1));
        }
        for (RequestBatch b : batches) {
          Map<String, String> labels = Map.of(
              "response_code", Integer.toString(b.statusCode()),
              "response_code_class", b.responseCodeClass());
          out.add(new Sample(labels, b.resource(), b.at(),
              this == REQUEST_COUNT ? 1 : b.latencyMs(), b.count()));
        }
      }
      case CPU_UTILIZATIONS, MEMORY_UTILIZATIONS -> {
        for (UtilisationRecord u : utilisations) {
          out.add(new Sample(Map.of(), u.resource(), u.at(),
              this == CPU_UTILIZATIONS ? u.cpu() : u.memory(), 1));
        }
      }
      default -> throw new IllegalStateException(name());
    }
    return out;
  }
}
