package dev.canaryrun.gcp.monitoring;

import com.google.monitoring.v3.Aggregation.Aligner;
import com.google.monitoring.v3.Aggregation.Reducer;
import java.util.List;

/**
 * The Cloud Run metrics the judge reads and how each is aggregated. Types, kinds and labels
 * are those of https://cloud.google.com/monitoring/api/metrics_gcp#gcp-run (resource type
 * {@code cloud_run_revision}).
 */
enum CloudRunMetric {

  /** DELTA INT64, label response_code_class: summed per revision and class. */
  REQUEST_COUNT("run.googleapis.com/request_count", Aligner.ALIGN_DELTA, Reducer.REDUCE_SUM,
      List.of(CloudRunMetric.SERVICE, CloudRunMetric.REVISION, CloudRunMetric.LOCATION,
          "metric.labels.response_code_class")),

  /** DELTA DISTRIBUTION in ms: merged per revision (REDUCE_SUM adds distributions). */
  REQUEST_LATENCIES("run.googleapis.com/request_latencies", Aligner.ALIGN_DELTA,
      Reducer.REDUCE_SUM, List.of(CloudRunMetric.SERVICE, CloudRunMetric.REVISION, CloudRunMetric.LOCATION)),

  /**
   * DELTA DISTRIBUTION of per-instance utilisation (0..1): p99 per series, then the max of
   * the series of a revision (normally there is one; max is the conservative merge).
   */
  CPU_UTILIZATIONS("run.googleapis.com/container/cpu/utilizations",
      Aligner.ALIGN_PERCENTILE_99, Reducer.REDUCE_MAX,
      List.of(CloudRunMetric.SERVICE, CloudRunMetric.REVISION, CloudRunMetric.LOCATION)),

  /** As CPU. */
  MEMORY_UTILIZATIONS("run.googleapis.com/container/memory/utilizations",
      Aligner.ALIGN_PERCENTILE_99, Reducer.REDUCE_MAX,
      List.of(CloudRunMetric.SERVICE, CloudRunMetric.REVISION, CloudRunMetric.LOCATION)),

  /**
   * DELTA DISTRIBUTION in ms, one value per instance started: merged per revision, its count
   * is the instances started in the bucket and its mean their startup time.
   */
  STARTUP_LATENCIES("run.googleapis.com/container/startup_latencies", Aligner.ALIGN_DELTA,
      Reducer.REDUCE_SUM, List.of(CloudRunMetric.SERVICE, CloudRunMetric.REVISION,
          CloudRunMetric.LOCATION)),

  /**
   * GAUGE INT64, label state (active, idle): the mean over the bucket per series, summed over
   * the states per revision: the revision's mean instance count.
   */
  INSTANCE_COUNT("run.googleapis.com/container/instance_count", Aligner.ALIGN_MEAN,
      Reducer.REDUCE_SUM, List.of(CloudRunMetric.SERVICE, CloudRunMetric.REVISION,
          CloudRunMetric.LOCATION));

  static final String RESOURCE_TYPE = "cloud_run_revision";
  static final String SERVICE = "resource.labels.service_name";
  static final String REVISION = "resource.labels.revision_name";
  /**
   * Revision names are unique per region only, and Google's own Cloud Run dashboard groups
   * every chart by location: without it, same-named revisions of two regions are merged.
   */
  static final String LOCATION = "resource.labels.location";

  final String type;
  final Aligner aligner;
  final Reducer reducer;
  final List<String> groupBy;

  CloudRunMetric(String type, Aligner aligner, Reducer reducer, List<String> groupBy) {
    this.type = type;
    this.aligner = aligner;
    this.reducer = reducer;
    this.groupBy = groupBy;
  }
}
