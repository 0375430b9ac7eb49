package dev.canaryrun.gcp.monitoring;

import com.google.api.gax.rpc.ApiException;
import dev.canaryrun.port.InvocationDeadline;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import com.google.monitoring.v3.Aggregation;
import com.google.monitoring.v3.ListTimeSeriesRequest;
import com.google.monitoring.v3.Point;
import com.google.monitoring.v3.TimeInterval;
import com.google.monitoring.v3.TimeSeries;
import com.google.monitoring.v3.TypedValue;
import com.google.protobuf.Timestamp;
import dev.canaryrun.judge.ContainerActivity;
import dev.canaryrun.judge.LatencyHistogram;
import dev.canaryrun.judge.MetricBucket;
import dev.canaryrun.judge.RequestCounts;
import dev.canaryrun.port.MetricsReader;
import dev.canaryrun.port.PermanentFailure;
import dev.canaryrun.port.TransientFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link MetricsReader} over Cloud Monitoring API v3 ListTimeSeries.
 *
 * <p>One tick reads every revision of every active rollout with one ListTimeSeries call per
 * metric (plus its pages), whatever the number of rollouts. Each call's filter names the
 * metric, the resource type and all the services at once:
 * <pre>
 * metric.type = "run.googleapis.com/request_count" AND resource.type = "cloud_run_revision"
 *   AND resource.labels.location = one_of("europe-west1")
 *   AND resource.labels.service_name = one_of("checkout", "search")
 * </pre>
 * Every query names the rollouts' regions and every series is keyed by service, revision and
 * location: revision names are unique per region only (a build that deploys the same service
 * to two regions with {@code --revision-suffix=$SHORT_SHA} makes same-named revisions), so a
 * rollout is judged on its own region's data only.
 * When the service list would make the filter longer than {@link Options#maxFilterLength}
 * (hundreds of rollouts in flight), the service clause is dropped and the call reads every
 * Cloud Run revision of the project in those regions: still one call per metric, so the cost of a tick stays
 * flat in the number of rollouts. Revisions not asked for are dropped client-side (they are
 * typically old revisions without traffic, so they cost little).
 *
 * <p>Aggregations (alignment period = the query's alignment; see
 * <a href="https://cloud.google.com/monitoring/api/metrics_gcp#gcp-run">Cloud Run metrics</a>):
 * <table>
 *   <caption>metrics read</caption>
 *   <tr><th>metric</th><th>aligner</th><th>reducer</th><th>group by</th></tr>
 *   <tr><td>run.googleapis.com/request_count</td><td>ALIGN_DELTA</td><td>REDUCE_SUM</td>
 *       <td>service_name, revision_name, location, metric.labels.response_code_class</td></tr>
 *   <tr><td>run.googleapis.com/request_latencies</td><td>ALIGN_DELTA</td><td>REDUCE_SUM</td>
 *       <td>service_name, revision_name, location</td></tr>
 *   <tr><td>run.googleapis.com/container/cpu/utilizations</td><td>ALIGN_PERCENTILE_99</td>
 *       <td>REDUCE_MAX</td><td>service_name, revision_name, location</td></tr>
 *   <tr><td>run.googleapis.com/container/memory/utilizations</td>
 *       <td>ALIGN_PERCENTILE_99</td><td>REDUCE_MAX</td><td>service_name, revision_name, location</td></tr>
 * </table>
 *
 * <p>Buckets: the query [start, end) is cut into whole alignment periods
 * [start + k*P, start + (k+1)*P) and the request interval ends at the last whole period, so
 * Monitoring's end-aligned points fall exactly on bucket boundaries. Every requested revision
 * gets every bucket, in time order, empty where Monitoring had no point, so the judge sees the
 * whole window. Response classes other than 2xx-5xx (1xx) are not counted. Latency
 * distributions become {@link LatencyHistogram}s exactly (see {@link Distributions}).
 */
public final class CloudMonitoringMetricsReader implements MetricsReader {

  /**
   * @param pageSize points per ListTimeSeries page (Monitoring caps it at 100,000)
   * @param maxFilterLength longest filter sent; a longer service list is replaced by one
   *     project-wide query per metric (see the class comment).
   *     Monitoring rejects very long filters; 2,000 characters is a conservative bound.
   */
  public record Options(int pageSize, int maxFilterLength) {
    public Options {
      if (pageSize < 1) {
        throw new IllegalArgumentException("pageSize must be >= 1, got " + pageSize);
      }
      if (maxFilterLength < 200) {
        throw new IllegalArgumentException("maxFilterLength must be >= 200");
      }
    }

    public static Options defaults() {
      return new Options(10_000, 2_000);
    }
  }

  private final MetricServiceClient client;
  private final String projectId;
  private final Options options;

  public CloudMonitoringMetricsReader(MetricServiceClient client, String projectId) {
    this(client, projectId, Options.defaults());
  }

  public CloudMonitoringMetricsReader(MetricServiceClient client, String projectId,
      Options options) {
    this.client = Objects.requireNonNull(client, "client");
    this.projectId = Objects.requireNonNull(projectId, "projectId");
    this.options = Objects.requireNonNull(options, "options");
  }

  @Override
  public Map<RevisionKey, List<MetricBucket>> read(Query query) {
    Duration period = query.alignment();
    if (period.isNegative() || period.isZero()) {
      throw new PermanentFailure("alignment period must be positive, got " + period);
    }
    int buckets = (int) Math.max(0,
        Duration.between(query.start(), query.end()).toNanos() / period.toNanos());
    Map<RevisionKey, Accumulator[]> acc = new HashMap<>();
    for (RevisionKey k : query.revisions()) {
      Accumulator[] a = new Accumulator[buckets];
      for (int i = 0; i < buckets; i++) {
        a[i] = new Accumulator();
      }
      acc.put(k, a);
    }
    if (buckets > 0 && !acc.isEmpty()) {
      Instant end = query.start().plus(period.multipliedBy(buckets));
      TimeInterval interval = TimeInterval.newBuilder()
          .setStartTime(timestamp(query.start())).setEndTime(timestamp(end)).build();
      List<String> locations = locations(query.revisions());
      List<List<String>> chunks = chunks(locations, services(query.revisions()));
      for (CloudRunMetric metric : CloudRunMetric.values()) {
        for (List<String> services : chunks) {
          ListTimeSeriesRequest request = request(metric, locations, services, interval, period);
          for (TimeSeries ts : list(metric, request)) {
            add(metric, ts, acc, query.start(), period);
          }
        }
      }
    }
    Map<RevisionKey, List<MetricBucket>> out = new HashMap<>();
    acc.forEach((key, a) -> {
      List<MetricBucket> list = new ArrayList<>(buckets);
      for (int i = 0; i < buckets; i++) {
        Instant s = query.start().plus(period.multipliedBy(i));
        list.add(a[i].toBucket(s, s.plus(period)));
      }
      out.put(key, List.copyOf(list));
    });
    return Map.copyOf(out);
  }

  /**
   * The filter for one metric in these regions over these services (exposed for tests and
   * docs). The location clause is always there: even the project-wide fallback reads the
   * rollouts' regions only.
   */
  static String filter(CloudRunMetric metric, List<String> locations, List<String> services) {
    StringBuilder b = new StringBuilder()
        .append("metric.type = \"").append(metric.type).append("\"")
        .append(" AND resource.type = \"").append(CloudRunMetric.RESOURCE_TYPE).append("\"");
    oneOf(b, CloudRunMetric.LOCATION, locations);
    if (services.isEmpty()) {
      return b.toString(); // project-wide: see chunks()
    }
    oneOf(b, CloudRunMetric.SERVICE, services);
    return b.toString();
  }

  private static void oneOf(StringBuilder b, String field, List<String> values) {
    b.append(" AND ").append(field).append(" = one_of(");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        b.append(", ");
      }
      b.append(quote(values.get(i)));
    }
    b.append(")");
  }

  private ListTimeSeriesRequest request(CloudRunMetric metric, List<String> locations,
      List<String> services, TimeInterval interval, Duration period) {
    return ListTimeSeriesRequest.newBuilder()
        .setName("projects/" + projectId)
        .setFilter(filter(metric, locations, services))
        .setInterval(interval)
        .setAggregation(Aggregation.newBuilder()
            .setAlignmentPeriod(com.google.protobuf.Duration.newBuilder()
                .setSeconds(period.getSeconds()).setNanos(period.getNano()))
            .setPerSeriesAligner(metric.aligner)
            .setCrossSeriesReducer(metric.reducer)
            .addAllGroupByFields(metric.groupBy))
        .setView(ListTimeSeriesRequest.TimeSeriesView.FULL)
        .setPageSize(options.pageSize())
        .build();
  }

  /** Every series of every page (the client follows next_page_token). */
  private List<TimeSeries> list(CloudRunMetric metric, ListTimeSeriesRequest request) {
    List<TimeSeries> out = new ArrayList<>();
    // No query starts past the invocation's deadline: the tick's buckets stay unconsumed and
    // the next tick reads them (wall time, as Cloud Functions measures its timeout).
    InvocationDeadline.check(java.time.Clock.systemUTC(), "Cloud Monitoring query of "
        + metric);
    try {
      for (TimeSeries ts : client.listTimeSeries(request).iterateAll()) {
        out.add(ts);
      }
      return out;
    } catch (ApiException e) {
      throw map(e, metric, request);
    }
  }

  private static void add(CloudRunMetric metric, TimeSeries ts, Map<RevisionKey,
      Accumulator[]> acc, Instant start, Duration period) {
    Map<String, String> resource = ts.getResource().getLabelsMap();
    RevisionKey key = new RevisionKey(resource.getOrDefault("service_name", ""),
        resource.getOrDefault("revision_name", ""), resource.getOrDefault("location", ""));
    Accumulator[] buckets = acc.get(key);
    if (buckets == null) {
      return; // a revision nobody asked about (an old one, or a same-named one elsewhere)
    }
    String responseClass = ts.getMetric().getLabelsMap().getOrDefault("response_code_class", "");
    for (Point p : ts.getPointsList()) {
      int i = bucketIndex(p, start, period);
      if (i < 0 || i >= buckets.length) {
        continue;
      }
      Accumulator a = buckets[i];
      try {
        switch (metric) {
          case REQUEST_COUNT -> a.addRequests(responseClass, asLong(p.getValue()));
          case REQUEST_LATENCIES -> a.latency = a.latency.plus(
              Distributions.toHistogram(p.getValue().getDistributionValue()));
          case CPU_UTILIZATIONS -> a.cpu = max(a.cpu, asUtilisation(p.getValue()));
          case MEMORY_UTILIZATIONS -> a.memory = max(a.memory, asUtilisation(p.getValue()));
          case STARTUP_LATENCIES -> a.addStarts(p.getValue().getDistributionValue());
          case INSTANCE_COUNT -> a.instances = OptionalDouble.of(
              a.instances.orElse(0) + asUtilisation(p.getValue()));
          default -> throw new IllegalStateException(metric.name());
        }
      } catch (IllegalArgumentException e) {
        throw new TransientFailure("Cloud Monitoring returned an unusable " + metric.type
            + " point for " + key + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * The bucket of a point by the middle of its interval: robust to the point's start time
   * being absent (GAUGE results carry only the end) and to sub-second skew.
   */
  private static int bucketIndex(Point p, Instant start, Duration period) {
    Instant end = instant(p.getInterval().getEndTime());
    Instant middle = end.minus(period.dividedBy(2));
    long nanos = Duration.between(start, middle).toNanos();
    return nanos < 0 ? -1 : (int) (nanos / period.toNanos());
  }

  private static long asLong(TypedValue v) {
    return switch (v.getValueCase()) {
      case INT64_VALUE -> v.getInt64Value();
      case DOUBLE_VALUE -> Math.round(v.getDoubleValue());
      default -> throw new IllegalArgumentException("expected a number, got " + v.getValueCase());
    };
  }

  private static double asUtilisation(TypedValue v) {
    return switch (v.getValueCase()) {
      case DOUBLE_VALUE -> v.getDoubleValue();
      case INT64_VALUE -> v.getInt64Value();
      case DISTRIBUTION_VALUE -> Distributions.percentile(v.getDistributionValue(), 99);
      default -> throw new IllegalArgumentException("expected a number, got " + v.getValueCase());
    };
  }

  private static OptionalDouble max(OptionalDouble a, double b) {
    return OptionalDouble.of(a.isPresent() ? Math.max(a.getAsDouble(), b) : b);
  }

  private static List<String> locations(Set<RevisionKey> revisions) {
    Set<String> s = new TreeSet<>();
    revisions.forEach(r -> s.add(r.location()));
    return List.copyOf(s);
  }

  private static List<String> services(Set<RevisionKey> revisions) {
    Set<String> s = new TreeSet<>();
    revisions.forEach(r -> s.add(r.service()));
    return List.copyOf(s);
  }

  /**
   * The service lists to query: all services in one filter when it fits, else one project-wide
   * query (the empty list: no service clause). Splitting the list instead would make the
   * number of calls grow with the number of rollouts.
   */
  private List<List<String>> chunks(List<String> locations, List<String> services) {
    for (CloudRunMetric m : CloudRunMetric.values()) {
      if (filter(m, locations, services).length() > options.maxFilterLength()) {
        return List.of(List.of());
      }
    }
    return List.of(services);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static RuntimeException map(ApiException e, CloudRunMetric metric,
      ListTimeSeriesRequest request) {
    StatusCode.Code code = e.getStatusCode().getCode();
    String message = "Cloud Monitoring ListTimeSeries of " + metric.type + " in "
        + request.getName() + " failed: " + code + ": " + e.getMessage() + " (filter: "
        + request.getFilter() + ")";
    return switch (code) {
      case INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, FAILED_PRECONDITION,
          UNAUTHENTICATED, OUT_OF_RANGE, UNIMPLEMENTED -> new PermanentFailure(message, e);
      default -> new TransientFailure(message, e);
    };
  }

  private static Timestamp timestamp(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  /** One revision's numbers for one bucket while pages arrive. */
  private static final class Accumulator {
    long c2xx;
    long c3xx;
    long c4xx;
    long c5xx;
    LatencyHistogram latency = LatencyHistogram.EMPTY;
    OptionalDouble cpu = OptionalDouble.empty();
    OptionalDouble memory = OptionalDouble.empty();
    long starts;
    double startupMillis;
    OptionalDouble instances = OptionalDouble.empty();

    void addStarts(com.google.api.Distribution d) {
      starts += d.getCount();
      startupMillis += d.getMean() * d.getCount();
    }

    void addRequests(String responseClass, long n) {
      switch (responseClass) {
        case "2xx" -> c2xx += n;
        case "3xx" -> c3xx += n;
        case "4xx" -> c4xx += n;
        case "5xx" -> c5xx += n;
        default -> { } // 1xx (websocket upgrades) are neither success nor failure here
      }
    }

    MetricBucket toBucket(Instant start, Instant end) {
      return new MetricBucket(start, end, new RequestCounts(c2xx, c3xx, c4xx, c5xx), latency,
          cpu, memory, new ContainerActivity(starts, startupMillis, instances));
    }
  }
}
