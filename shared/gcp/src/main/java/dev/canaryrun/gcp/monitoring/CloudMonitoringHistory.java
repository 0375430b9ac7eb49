package dev.canaryrun.gcp.monitoring;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import com.google.monitoring.v3.Aggregation;
import com.google.monitoring.v3.ListTimeSeriesRequest;
import com.google.monitoring.v3.Point;
import com.google.monitoring.v3.TimeInterval;
import com.google.monitoring.v3.TimeSeries;
import com.google.protobuf.Timestamp;
import dev.canaryrun.backtest.History;
import dev.canaryrun.judge.MetricBucket;
import dev.canaryrun.port.MetricsReader;
import dev.canaryrun.port.MetricsReader.RevisionKey;
import dev.canaryrun.port.PermanentFailure;
import dev.canaryrun.port.TransientFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A service's Cloud Run metric history for a backtest, through the same reader the controller
 * judges with, so the backtest judges the numbers the controller would have read.
 *
 * <p>Two passes, each in windows of at most {@link Options#window} (a query over weeks of
 * one-minute points would be one enormous response; a day of them is 1,440 points a series),
 * every window's pages followed by the client:
 * <ol>
 *   <li>which revisions served: {@code request_count} summed over each window, grouped by
 *       revision and location, filtered by the service (and the region if given);
 *   <li>their buckets: {@link CloudMonitoringMetricsReader#read} per window (request counts by
 *       class, latency distributions, CPU and memory: everything the judge reads, aligned the
 *       same way), stitched into one {@link History}.
 * </ol>
 * Revisions are keyed with their location: revisions of other regions never mix, even when
 * they share a name. Cloud Monitoring keeps Cloud Run's metrics for six weeks
 * ({@link #RETENTION}); asking for more is refused here with that said, rather than silently
 * returning less.
 */
public final class CloudMonitoringHistory {
  /** How long Cloud Monitoring keeps Cloud Run's (GCP) metrics. */
  public static final Duration RETENTION = Duration.ofDays(42);

  /**
   * @param window the longest interval one ListTimeSeries call covers
   * @param pageSize results per page: points in Cloud Monitoring's FULL view (it caps it at
   *     100,000; the local Monitoring pages whole series)
   */
  public record Options(Duration window, int pageSize) {
    public Options {
      Objects.requireNonNull(window, "window");
      if (window.compareTo(Duration.ofMinutes(1)) < 0) {
        throw new IllegalArgumentException("window must be at least a minute, got " + window);
      }
      if (pageSize < 1) {
        throw new IllegalArgumentException("pageSize must be >= 1, got " + pageSize);
      }
    }

    public static Options defaults() {
      return new Options(Duration.ofDays(1), 10_000);
    }
  }

  private final MetricServiceClient client;
  private final String projectId;
  private final Options options;

  public CloudMonitoringHistory(MetricServiceClient client, String projectId, Options options) {
    this.client = Objects.requireNonNull(client, "client");
    this.projectId = Objects.requireNonNull(projectId, "projectId");
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * Requests per revision of {@code service} (any region when {@code region} is empty) over
   * [start, end); revisions without a request are absent.
   */
  public Map<RevisionKey, Long> revisions(String service, Optional<String> region, Instant start,
      Instant end) {
    Map<RevisionKey, Long> out = new TreeMap<>(
        java.util.Comparator.comparing(RevisionKey::location).thenComparing(RevisionKey::revision)
            .thenComparing(RevisionKey::service));
    for (Instant[] w : windows(start, end)) {
      for (TimeSeries ts : list(totals(Optional.of(service), region, w[0], w[1]))) {
        Map<String, String> l = ts.getResource().getLabelsMap();
        RevisionKey k = new RevisionKey(l.getOrDefault("service_name", service),
            l.getOrDefault("revision_name", ""), l.getOrDefault("location", ""));
        out.merge(k, sum(ts), Long::sum);
      }
    }
    out.values().removeIf(n -> n == 0);
    return out;
  }

  /** Services of the project with requests over [start, end) (a mistyped name's neighbours). */
  public List<String> services(Optional<String> region, Instant start, Instant end) {
    TreeSet<String> out = new TreeSet<>();
    for (TimeSeries ts : list(totals(Optional.empty(), region, start, end))) {
      if (sum(ts) > 0) {
        out.add(ts.getResource().getLabelsMap().getOrDefault("service_name", ""));
      }
    }
    return List.copyOf(out);
  }

  /** Every bucket of these revisions over [start, end), as the controller's reader reads them. */
  public History read(java.util.Set<RevisionKey> revisions, Instant start, Instant end,
      Duration alignment) {
    CloudMonitoringMetricsReader reader = new CloudMonitoringMetricsReader(client, projectId,
        new CloudMonitoringMetricsReader.Options(options.pageSize(), 2_000));
    Map<RevisionKey, List<MetricBucket>> all = new HashMap<>();
    for (Instant[] w : windows(start, end)) {
      Map<RevisionKey, List<MetricBucket>> part = reader.read(
          new MetricsReader.Query(revisions, w[0], w[1], alignment));
      part.forEach((k, v) -> all.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
    }
    return History.of(all, start, end, alignment);
  }

  /** [start, end) cut into windows of at most {@link Options#window}, on whole minutes. */
  List<Instant[]> windows(Instant start, Instant end) {
    if (!end.isAfter(start)) {
      throw new IllegalArgumentException("history end " + end + " must be after its start "
          + start);
    }
    if (Duration.between(start, end).compareTo(RETENTION) > 0) {
      throw new PermanentFailure("Cloud Monitoring keeps Cloud Run metrics for "
          + RETENTION.toDays() + " days (6 weeks); asked for " + Duration.between(start, end)
          .toDays() + " days");
    }
    List<Instant[]> out = new ArrayList<>();
    for (Instant a = start; a.isBefore(end); a = a.plus(options.window())) {
      Instant b = a.plus(options.window());
      out.add(new Instant[] {a, b.isAfter(end) ? end : b});
    }
    return out;
  }

  private ListTimeSeriesRequest totals(Optional<String> service, Optional<String> region,
      Instant start, Instant end) {
    StringBuilder f = new StringBuilder("metric.type = \"")
        .append(CloudRunMetric.REQUEST_COUNT.type).append("\" AND resource.type = \"")
        .append(CloudRunMetric.RESOURCE_TYPE).append("\"");
    service.ifPresent(s -> f.append(" AND ").append(CloudRunMetric.SERVICE).append(" = ")
        .append(quote(s)));
    region.ifPresent(r -> f.append(" AND ").append(CloudRunMetric.LOCATION).append(" = ")
        .append(quote(r)));
    Duration span = Duration.between(start, end);
    return ListTimeSeriesRequest.newBuilder()
        .setName("projects/" + projectId)
        .setFilter(f.toString())
        .setInterval(TimeInterval.newBuilder().setStartTime(timestamp(start))
            .setEndTime(timestamp(end)))
        // One point per series for the whole window: the total is all this pass needs.
        .setAggregation(Aggregation.newBuilder()
            .setAlignmentPeriod(com.google.protobuf.Duration.newBuilder()
                .setSeconds(span.getSeconds()))
            .setPerSeriesAligner(Aggregation.Aligner.ALIGN_DELTA)
            .setCrossSeriesReducer(Aggregation.Reducer.REDUCE_SUM)
            .addGroupByFields(CloudRunMetric.SERVICE)
            .addGroupByFields(CloudRunMetric.REVISION)
            .addGroupByFields(CloudRunMetric.LOCATION))
        .setView(ListTimeSeriesRequest.TimeSeriesView.FULL)
        .setPageSize(options.pageSize())
        .build();
  }

  private List<TimeSeries> list(ListTimeSeriesRequest request) {
    List<TimeSeries> out = new ArrayList<>();
    try {
      for (TimeSeries ts : client.listTimeSeries(request).iterateAll()) {
        out.add(ts);
      }
      return out;
    } catch (ApiException e) {
      String message = "Cloud Monitoring ListTimeSeries in " + request.getName() + " failed: "
          + e.getStatusCode().getCode() + ": " + e.getMessage() + " (filter: "
          + request.getFilter() + ")";
      throw switch (e.getStatusCode().getCode()) {
        case INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, FAILED_PRECONDITION,
            UNAUTHENTICATED, OUT_OF_RANGE, UNIMPLEMENTED -> new PermanentFailure(message, e);
        default -> new TransientFailure(message, e);
      };
    }
  }

  private static long sum(TimeSeries ts) {
    long n = 0;
    for (Point p : ts.getPointsList()) {
      n += switch (p.getValue().getValueCase()) {
        case INT64_VALUE -> p.getValue().getInt64Value();
        case DOUBLE_VALUE -> Math.round(p.getValue().getDoubleValue());
        default -> 0;
      };
    }
    return n;
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static Timestamp timestamp(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }
}
