package dev.canaryrun.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.Distribution;
import com.google.api.gax.rpc.InvalidArgumentException;
import com.google.api.gax.rpc.PermissionDeniedException;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetAllocationType;
import com.google.monitoring.v3.Aggregation;
import com.google.monitoring.v3.Aggregation.Aligner;
import com.google.monitoring.v3.Aggregation.Reducer;
import com.google.monitoring.v3.ListTimeSeriesRequest;
import com.google.monitoring.v3.TimeInterval;
import com.google.monitoring.v3.TimeSeries;
import dev.canaryrun.fixtures.MutableClock;
import io.grpc.Status;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cloud Monitoring v3 ListTimeSeries through the real MetricServiceClient. */
class MonitoringTest {

  static final Instant T = Instant.parse("2026-03-02T10:00:00Z");
  static final String REQUEST_COUNT = "run.googleapis.com/request_count";
  static final String LATENCIES = "run.googleapis.com/request_latencies";

  MutableClock clock;
  LocalControlPlane plane;
  MetricServiceClient client;

  @BeforeEach
  void start() {
    clock = new MutableClock(T);
    plane = LocalControlPlane.start(0, clock);
    plane.monitoring().setDefaults("p3", "us-central1");
    client = TestClients.monitoring(plane.endpoint());
  }

  @AfterEach
  void stop() {
    client.close();
    plane.close();
  }

  static ListTimeSeriesRequest.Builder query(String filter, Instant from, Instant to) {
    return ListTimeSeriesRequest.newBuilder().setName("projects/p3").setFilter(filter)
        .setInterval(TimeInterval.newBuilder()
            .setStartTime(TimeSeriesQuery.timestamp(from))
            .setEndTime(TimeSeriesQuery.timestamp(to)));
  }

  static Aggregation agg(Aligner aligner, Reducer reducer, String... groupBy) {
    return Aggregation.newBuilder()
        .setAlignmentPeriod(com.google.protobuf.Duration.newBuilder().setSeconds(60))
        .setPerSeriesAligner(aligner).setCrossSeriesReducer(reducer)
        .addAllGroupByFields(List.of(groupBy)).build();
  }

  List<TimeSeries> list(ListTimeSeriesRequest request) {
    List<TimeSeries> out = new ArrayList<>();
    client.listTimeSeries(request).iterateAll().forEach(out::add);
    return out;
  }

  @Test
  void countsAndLatencyHistogramsMatchRealHttpTraffic() throws Exception {
    LocalCloudRun run = plane.cloudRun();
    Service v1 = run.createService("projects/p3/locations/us-central1", "shop",
        "localhost/demo/shop:v1");
    String stable = RunNames.shortName(v1.getLatestReadyRevision());
    Service v2 = run.updateService(v1.toBuilder()
        .setTemplate(v1.getTemplate().toBuilder().setRevision("shop-v2")
            .setContainers(0, Container.newBuilder().setImage("localhost/demo/shop:v2-err0.3")))
        .clearTraffic()
        .addTraffic(TrafficTarget.newBuilder()
            .setType(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION)
            .setRevision(stable).setPercent(50))
        .addTraffic(TrafficTarget.newBuilder()
            .setType(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION)
            .setRevision("shop-v2").setPercent(50))
        .build());

    HttpClient http = HttpClient.newHttpClient();
    Map<String, Long> sent = new HashMap<>(); // "revision class" -> count
    for (int i = 0; i < 300; i++) {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(v2.getUri())).build(),
          HttpResponse.BodyHandlers.discarding());
      String rev = r.headers().firstValue(RevisionServer.REVISION_HEADER).orElseThrow();
      sent.merge(rev + " " + (r.statusCode() / 100) + "xx", 1L, Long::sum);
    }

    List<TimeSeries> counts = list(query("metric.type = \"" + REQUEST_COUNT + "\" AND "
        + "resource.type = \"cloud_run_revision\" AND "
        + "resource.labels.service_name = one_of(\"shop\", \"other\")",
        T.minusSeconds(60), T)
        .setAggregation(agg(Aligner.ALIGN_DELTA, Reducer.REDUCE_SUM,
            "resource.labels.revision_name", "metric.labels.response_code_class"))
        .build());
    Map<String, Long> seen = new HashMap<>();
    for (TimeSeries ts : counts) {
      assertEquals(1, ts.getPointsCount());
      assertEquals(Map.of("revision_name", ts.getResource().getLabelsOrThrow("revision_name")),
          ts.getResource().getLabelsMap(), "only group-by labels survive REDUCE_SUM");
      seen.put(ts.getResource().getLabelsOrThrow("revision_name") + " "
          + ts.getMetric().getLabelsOrThrow("response_code_class"),
          ts.getPoints(0).getValue().getInt64Value());
    }
    assertEquals(sent, seen);
    assertTrue(seen.getOrDefault("shop-v2 5xx", 0L) > 0, seen.toString());

    List<TimeSeries> latencies = list(query("metric.type = \"" + LATENCIES + "\" AND "
        + "resource.labels.service_name = \"shop\"", T.minusSeconds(60), T)
        .setAggregation(agg(Aligner.ALIGN_DELTA, Reducer.REDUCE_SUM,
            "resource.labels.revision_name"))
        .build());
    assertEquals(2, latencies.size());
    for (TimeSeries ts : latencies) {
      String rev = ts.getResource().getLabelsOrThrow("revision_name");
      long expected = sent.entrySet().stream().filter(e -> e.getKey().startsWith(rev + " "))
          .mapToLong(Map.Entry::getValue).sum();
      Distribution d = ts.getPoints(0).getValue().getDistributionValue();
      assertEquals(expected, d.getCount());
      assertEquals(expected, d.getBucketCountsList().stream().mapToLong(Long::longValue).sum());
      assertEquals(1.4, d.getBucketOptions().getExponentialBuckets().getGrowthFactor());
    }

    List<TimeSeries> cpu = list(query("metric.type = \"run.googleapis.com/container/cpu/"
        + "utilizations\" AND resource.labels.revision_name = starts_with(\"shop-v\")",
        T.minusSeconds(60), T)
        .setAggregation(agg(Aligner.ALIGN_MEAN, Reducer.REDUCE_NONE)).build());
    assertEquals(1, cpu.size());
    assertEquals(Behaviour.DEFAULT_CPU, cpu.get(0).getPoints(0).getValue().getDoubleValue(),
        1e-9);
  }

  @Test
  void syntheticLatenciesLandInExactBuckets() {
    LocalMonitoring m = plane.monitoring();
    // Exponential buckets, scale 1 ms, growth 1.4: [0,1) [1,1.4) [1.4,1.96) ...
    for (double ms : new double[] {0.5, 1.0, 1.39, 1.4, 100}) {
      m.record("api", "api-00001-abc", 200, ms, T.minusSeconds(1));
    }
    TimeSeries ts = list(query("metric.type = \"" + LATENCIES + "\"", T.minusSeconds(60), T)
        .build()).get(0);
    Distribution d = ts.getPoints(0).getValue().getDistributionValue();
    assertEquals(5, d.getCount());
    // 100 ms is in bucket 14: 1.4^13 = 79.4 <= 100 < 1.4^14 = 111.1.
    List<Long> expected = new ArrayList<>(java.util.Collections.nCopies(15, 0L));
    expected.set(0, 1L);
    expected.set(1, 2L);
    expected.set(2, 1L);
    expected.set(14, 1L);
    assertEquals(expected, d.getBucketCountsList());
    assertEquals((0.5 + 1.0 + 1.39 + 1.4 + 100) / 5, d.getMean(), 1e-9);
    assertEquals("2xx", ts.getMetric().getLabelsOrThrow("response_code_class"));
    assertEquals(Map.of("project_id", "p3", "location", "us-central1", "service_name", "api",
        "configuration_name", "api", "revision_name", "api-00001-abc"),
        ts.getResource().getLabelsMap());

    TimeSeries p99 = list(query("metric.type = \"" + LATENCIES + "\"", T.minusSeconds(60), T)
        .setAggregation(agg(Aligner.ALIGN_PERCENTILE_99, Reducer.REDUCE_NONE)).build()).get(0);
    double v = p99.getPoints(0).getValue().getDoubleValue();
    assertTrue(v >= 1.4 * Math.pow(1.4, 12) && v < Math.pow(1.4, 14), "p99 " + v);
  }

  @Test
  void endAlignedBucketsNewestFirst() {
    LocalMonitoring m = plane.monitoring();
    m.record("svc", "svc-1", 200, 5, T.minusSeconds(30));   // bucket (T-60, T]
    m.record("svc", "svc-1", 200, 5, T.minusSeconds(60));   // bucket (T-120, T-60]
    m.record("svc", "svc-1", 503, 5, T.minusSeconds(61));   // bucket (T-120, T-60]
    m.record("svc", "svc-1", 200, 5, T.minusSeconds(150));  // bucket (T-180, T-120]
    m.record("svc", "svc-1", 200, 5, T.minusSeconds(500));  // outside the interval

    TimeSeries ts = list(query("metric.type = \"" + REQUEST_COUNT + "\"",
        T.minusSeconds(180), T)
        .setAggregation(agg(Aligner.ALIGN_DELTA, Reducer.REDUCE_SUM,
            "resource.labels.service_name")).build()).get(0);
    assertEquals(List.of(1L, 2L, 1L), ts.getPointsList().stream()
        .map(p -> p.getValue().getInt64Value()).toList());
    assertEquals(List.of(T, T.minusSeconds(60), T.minusSeconds(120)),
        ts.getPointsList().stream()
            .map(p -> TimeSeriesQuery.instant(p.getInterval().getEndTime())).toList());
    assertEquals(T.minusSeconds(60),
        TimeSeriesQuery.instant(ts.getPoints(0).getInterval().getStartTime()));

    TimeSeries rate = list(query("metric.type = \"" + REQUEST_COUNT + "\"",
        T.minusSeconds(180), T)
        .setAggregation(agg(Aligner.ALIGN_RATE, Reducer.REDUCE_SUM)).build()).get(0);
    assertEquals(2 / 60.0, rate.getPoints(1).getValue().getDoubleValue(), 1e-12);
  }

  @Test
  void pagesHoldWholeSeries() {
    for (String rev : List.of("pg-1", "pg-2", "pg-3")) {
      plane.monitoring().record("pg", rev, 200, 1, T.minusSeconds(5));
    }
    var response = client.listTimeSeries(query("metric.type = \"" + REQUEST_COUNT + "\"",
        T.minusSeconds(60), T).setPageSize(1).build());
    assertEquals(1, response.getPage().getPageElementCount());
    assertFalse(response.getPage().getNextPageToken().isEmpty());
    List<String> revisions = new ArrayList<>();
    response.iterateAll().forEach(ts -> revisions.add(
        ts.getResource().getLabelsOrThrow("revision_name")));
    assertEquals(List.of("pg-1", "pg-2", "pg-3"), revisions);
    assertEquals(3, plane.monitoring().calls().count("ListTimeSeries"));
  }

  @Test
  void unsupportedFilterSyntaxIsInvalidArgument() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> list(query("metric.type = \"" + REQUEST_COUNT + "\" OR resource.type = \"x\"",
            T.minusSeconds(60), T).build()));
    assertTrue(e.getMessage().contains("OR"), e.getMessage());

    e = assertThrows(InvalidArgumentException.class,
        () -> list(query("metric.type = \"" + REQUEST_COUNT + "\" AND metric.labels.x > 3",
            T.minusSeconds(60), T).build()));
    assertTrue(e.getMessage().contains("'>'"), e.getMessage());
  }

  @Test
  void injectedFailuresReachTheClientOrAreRetried() {
    plane.monitoring().record("f", "f-1", 200, 1, T.minusSeconds(5));
    ListTimeSeriesRequest request = query("metric.type = \"" + REQUEST_COUNT + "\"",
        T.minusSeconds(60), T).build();

    plane.monitoring().faults().failNext("ListTimeSeries", 1, Status.UNAVAILABLE);
    assertEquals(1, list(request).size()); // the client retries UNAVAILABLE
    assertEquals(2, plane.monitoring().calls().count("ListTimeSeries"));

    plane.monitoring().faults().failNext("ListTimeSeries", 1, Status.PERMISSION_DENIED);
    assertInstanceOf(PermissionDeniedException.class,
        assertThrows(PermissionDeniedException.class, () -> list(request)));

    plane.monitoring().faults().delayNext("ListTimeSeries", 1, Duration.ofMillis(150));
    long started = System.nanoTime();
    assertEquals(1, list(request).size());
    assertTrue(System.nanoTime() - started >= 150_000_000L);
  }
}
