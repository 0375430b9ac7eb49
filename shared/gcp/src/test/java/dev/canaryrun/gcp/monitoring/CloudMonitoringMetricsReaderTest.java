package dev.canaryrun.gcp.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.monitoring.v3.MetricServiceClient;
import com.google.monitoring.v3.Aggregation;
import com.google.monitoring.v3.ListTimeSeriesRequest;
import dev.canaryrun.judge.LatencyHistogram;
import dev.canaryrun.judge.MetricBucket;
import dev.canaryrun.judge.RequestCounts;
import dev.canaryrun.local.LocalControlPlane;
import dev.canaryrun.local.LocalMonitoring;
import dev.canaryrun.port.MetricsReader.Query;
import dev.canaryrun.port.MetricsReader.RevisionKey;
import dev.canaryrun.port.PermanentFailure;
import dev.canaryrun.port.TransientFailure;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reader through the real MetricServiceClient against the local Monitoring server;
 * assertions on the ListTimeSeries requests it received and on the buckets returned.
 */
class CloudMonitoringMetricsReaderTest {

  static final String PROJECT = LocalMonitoring.DEFAULT_PROJECT;
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  static final Duration MINUTE = Duration.ofMinutes(1);
  static final String LOCATION = LocalMonitoring.DEFAULT_LOCATION;

  static LocalControlPlane plane;
  static MetricServiceClient client;
  LocalMonitoring monitoring;
  CloudMonitoringMetricsReader reader;

  @BeforeAll
  static void start() {
    plane = LocalControlPlane.start(0);
    client = MonitoringClients.create(Optional.of(plane.endpoint()), Duration.ofSeconds(5), 3);
  }

  @AfterAll
  static void stop() {
    client.close();
    plane.close();
  }

  @BeforeEach
  void reset() {
    monitoring = plane.monitoring();
    monitoring.store().clear();
    monitoring.calls().clear();
    monitoring.faults().clear();
    reader = new CloudMonitoringMetricsReader(client, PROJECT);
  }

  @Test
  void sendsTheDocumentedFiltersAndAggregationsOneCallPerMetric() {
    Query q = query(T0, T0.plus(MINUTE.multipliedBy(3)),
        key("checkout", "checkout-v1"), key("checkout", "checkout-v2"), key("search", "search-v7"));

    reader.read(q);

    List<ListTimeSeriesRequest> sent = requests();
    assertEquals(6, sent.size());
    String services = "resource.labels.location = one_of(\"" + LOCATION + "\") AND "
        + "resource.labels.service_name = one_of(\"checkout\", \"search\")";
    assertEquals(List.of(
        "metric.type = \"run.googleapis.com/request_count\" AND resource.type = "
            + "\"cloud_run_revision\" AND " + services,
        "metric.type = \"run.googleapis.com/request_latencies\" AND resource.type = "
            + "\"cloud_run_revision\" AND " + services,
        "metric.type = \"run.googleapis.com/container/cpu/utilizations\" AND resource.type = "
            + "\"cloud_run_revision\" AND " + services,
        "metric.type = \"run.googleapis.com/container/memory/utilizations\" AND "
            + "resource.type = \"cloud_run_revision\" AND " + services,
        "metric.type = \"run.googleapis.com/container/startup_latencies\" AND "
            + "resource.type = \"cloud_run_revision\" AND " + services,
        "metric.type = \"run.googleapis.com/container/instance_count\" AND "
            + "resource.type = \"cloud_run_revision\" AND " + services),
        sent.stream().map(ListTimeSeriesRequest::getFilter).toList());
    List<String> byRevision = List.of("resource.labels.service_name",
        "resource.labels.revision_name", "resource.labels.location");
    assertAggregation(sent.get(0), Aggregation.Aligner.ALIGN_DELTA,
        Aggregation.Reducer.REDUCE_SUM, List.of("resource.labels.service_name",
            "resource.labels.revision_name", "resource.labels.location",
            "metric.labels.response_code_class"));
    assertAggregation(sent.get(1), Aggregation.Aligner.ALIGN_DELTA,
        Aggregation.Reducer.REDUCE_SUM, byRevision);
    assertAggregation(sent.get(2), Aggregation.Aligner.ALIGN_PERCENTILE_99,
        Aggregation.Reducer.REDUCE_MAX, byRevision);
    assertAggregation(sent.get(3), Aggregation.Aligner.ALIGN_PERCENTILE_99,
        Aggregation.Reducer.REDUCE_MAX, byRevision);
    assertAggregation(sent.get(4), Aggregation.Aligner.ALIGN_DELTA,
        Aggregation.Reducer.REDUCE_SUM, byRevision);
    assertAggregation(sent.get(5), Aggregation.Aligner.ALIGN_MEAN,
        Aggregation.Reducer.REDUCE_SUM, byRevision);
    for (ListTimeSeriesRequest r : sent) {
      assertEquals("projects/" + PROJECT, r.getName());
      assertEquals(T0.getEpochSecond(), r.getInterval().getStartTime().getSeconds());
      assertEquals(T0.plus(MINUTE.multipliedBy(3)).getEpochSecond(),
          r.getInterval().getEndTime().getSeconds());
      assertEquals(ListTimeSeriesRequest.TimeSeriesView.FULL, r.getView());
    }
  }

  @Test
  void sameNamedRevisionsInTwoRegionsAreNeverMerged() {
    // --revision-suffix=$SHORT_SHA deploys make the same revision name in every region.
    String revision = "checkout-7860c99";
    dev.canaryrun.local.RevisionKey west = new dev.canaryrun.local.RevisionKey(PROJECT,
        "europe-west1", "checkout", revision);
    dev.canaryrun.local.RevisionKey central = new dev.canaryrun.local.RevisionKey(PROJECT,
        "us-central1", "checkout", revision);
    for (int i = 0; i < 3; i++) {
      monitoring.record(west, 503, 20, T0.plusSeconds(10 + i));
    }
    monitoring.record(central, 200, 20, T0.plusSeconds(10));
    RevisionKey westKey = new RevisionKey("checkout", revision, "europe-west1");
    RevisionKey centralKey = new RevisionKey("checkout", revision, "us-central1");

    Map<RevisionKey, List<MetricBucket>> both =
        reader.read(query(T0, T0.plus(MINUTE), westKey, centralKey));
    Map<RevisionKey, List<MetricBucket>> centralOnly =
        reader.read(query(T0, T0.plus(MINUTE), centralKey));

    assertEquals(new RequestCounts(0, 0, 0, 3), both.get(westKey).get(0).requests());
    assertEquals(new RequestCounts(1, 0, 0, 0), both.get(centralKey).get(0).requests());
    assertEquals(new RequestCounts(1, 0, 0, 0), centralOnly.get(centralKey).get(0).requests());
    assertTrue(requests().get(requests().size() - 1).getFilter()
        .contains("resource.labels.location = one_of(\"us-central1\")"));
  }

  @Test
  void mapsCountsHistogramsAndUtilisationExactlyWithEmptyBucketsFilledIn() {
    RevisionKey canary = key("checkout", "checkout-v2");
    RevisionKey stable = key("checkout", "checkout-v1");
    // Bucket 0: canary 200 x2 (5 ms, 50 ms), 503 x1 (500 ms); stable 200 x1 (5 ms).
    monitoring.record("checkout", "checkout-v2", 200, 5, T0.plusSeconds(10));
    monitoring.record("checkout", "checkout-v2", 200, 50, T0.plusSeconds(20));
    monitoring.record("checkout", "checkout-v2", 503, 500, T0.plusSeconds(30));
    monitoring.record("checkout", "checkout-v1", 200, 5, T0.plusSeconds(40));
    monitoring.recordUtilisation("checkout", "checkout-v2", 0.505, 0.705, T0.plusSeconds(30));
    // Bucket 1: nothing. Bucket 2: canary 302, 404.
    monitoring.record("checkout", "checkout-v2", 302, 5, T0.plusSeconds(130));
    monitoring.record("checkout", "checkout-v2", 404, 5, T0.plusSeconds(140));
    // Outside the window: ignored.
    monitoring.record("checkout", "checkout-v2", 500, 5, T0.plusSeconds(200));

    Map<RevisionKey, List<MetricBucket>> out =
        reader.read(query(T0, T0.plus(MINUTE.multipliedBy(3)), canary, stable));

    List<MetricBucket> c = out.get(canary);
    assertEquals(3, c.size());
    for (int i = 0; i < 3; i++) {
      assertEquals(T0.plus(MINUTE.multipliedBy(i)), c.get(i).start());
      assertEquals(T0.plus(MINUTE.multipliedBy(i + 1)), c.get(i).end());
    }
    assertEquals(new RequestCounts(2, 0, 0, 1), c.get(0).requests());
    assertEquals(MetricBucket.empty(T0.plus(MINUTE), T0.plus(MINUTE.multipliedBy(2))), c.get(1));
    assertEquals(new RequestCounts(0, 1, 1, 0), c.get(2).requests());

    // The emulator's latency layout: exponential, 100 finite buckets, growth 1.4, scale 1.
    // 5 ms is in [1.4^4, 1.4^5) = [3.8416, 5.37824): index 5 (index 0 is the underflow);
    // 50 ms in [1.4^11, 1.4^12) = [40.4956..., 56.6939...): index 12;
    // 500 ms in [1.4^18, 1.4^19) = [426.8788..., 597.6303...): index 19.
    LatencyHistogram h = c.get(0).latency();
    assertEquals(101, h.bounds().size());
    assertEquals(3.8416, h.bounds().get(4), 1e-9);
    assertEquals(5.37824, h.bounds().get(5), 1e-9);
    assertEquals(40.495652, h.bounds().get(11), 1e-5);
    assertEquals(426.878854, h.bounds().get(18), 1e-5);
    List<Long> expected = new ArrayList<>();
    for (int i = 0; i < 102; i++) {
      expected.add(i == 5 || i == 12 || i == 19 ? 1L : 0L);
    }
    assertEquals(expected, h.counts());
    assertEquals(1, h.countAtOrAbove(h.bounds().get(18)));

    // p99 of one sample in [0.50, 0.51) (linear, 0.01 wide): 0.50 + 0.01 * 0.99.
    assertEquals(0.5099, c.get(0).cpuUtilisation().getAsDouble(), 1e-9);
    assertEquals(0.7099, c.get(0).memoryUtilisation().getAsDouble(), 1e-9);
    assertTrue(c.get(2).cpuUtilisation().isEmpty());

    assertEquals(new RequestCounts(1, 0, 0, 0), out.get(stable).get(0).requests());
    assertEquals(1, out.get(stable).get(0).latency().counts().get(5));
  }

  @Test
  void fiftyRevisionsCostSixCalls() {
    Set<RevisionKey> keys = new HashSet<>();
    for (int s = 0; s < 25; s++) {
      for (int r = 1; r <= 2; r++) {
        String service = "svc-" + s;
        String revision = service + "-r" + r;
        keys.add(key(service, revision));
        for (int n = 0; n < r; n++) {
          monitoring.record(service, revision, 200, 10, T0.plusSeconds(5 + n));
        }
      }
    }
    Map<RevisionKey, List<MetricBucket>> out =
        reader.read(new Query(keys, T0, T0.plus(MINUTE.multipliedBy(5)), MINUTE));

    assertEquals(6, monitoring.calls().count("ListTimeSeries"));
    assertEquals(50, out.size());
    for (RevisionKey k : keys) {
      long expected = k.revision().endsWith("-r1") ? 1 : 2;
      assertEquals(5, out.get(k).size());
      assertEquals(expected, out.get(k).get(0).requests().c2xx(), k.toString());
    }
  }

  @Test
  void followsPagesAndGetsTheSameAnswer() {
    Set<RevisionKey> keys = new HashSet<>();
    for (int s = 0; s < 6; s++) {
      String service = "svc-" + s;
      keys.add(key(service, service + "-r1"));
      monitoring.record(service, service + "-r1", 200, 10, T0.plusSeconds(5));
      monitoring.record(service, service + "-r1", 500, 10, T0.plusSeconds(65));
      monitoring.recordUtilisation(service, service + "-r1", 0.2, 0.3, T0.plusSeconds(70));
    }
    Query q = new Query(keys, T0, T0.plus(MINUTE.multipliedBy(2)), MINUTE);
    Map<RevisionKey, List<MetricBucket>> whole = reader.read(q);
    monitoring.calls().clear();

    Map<RevisionKey, List<MetricBucket>> paged = new CloudMonitoringMetricsReader(client,
        PROJECT, new CloudMonitoringMetricsReader.Options(1, 2_000)).read(q);

    assertEquals(whole, paged);
    List<ListTimeSeriesRequest> sent = requests();
    assertTrue(sent.size() > 4, "pages were fetched: " + sent.size());
    assertTrue(sent.stream().anyMatch(r -> !r.getPageToken().isEmpty()));
    assertTrue(sent.stream().allMatch(r -> r.getPageSize() == 1));
    assertEquals(new RequestCounts(0, 0, 0, 1), paged.get(key("svc-3", "svc-3-r1")).get(1)
        .requests());
  }

  @Test
  void tooManyServicesForOneFilterReadTheWholeProjectInStillOneCallPerMetric() {
    Set<RevisionKey> keys = new HashSet<>();
    for (int s = 0; s < 30; s++) {
      keys.add(key("service-number-" + s, "service-number-" + s + "-r1"));
      monitoring.record("service-number-" + s, "service-number-" + s + "-r1", 500, 10,
          T0.plusSeconds(5));
    }
    // A revision nobody asked about: read project-wide, then dropped client-side.
    monitoring.record("unrelated", "unrelated-r1", 200, 10, T0.plusSeconds(5));
    CloudMonitoringMetricsReader narrow = new CloudMonitoringMetricsReader(client, PROJECT,
        new CloudMonitoringMetricsReader.Options(1_000, 600));

    Map<RevisionKey, List<MetricBucket>> out = narrow.read(new Query(keys, T0, T0.plus(MINUTE), MINUTE));

    List<ListTimeSeriesRequest> sent = requests();
    assertEquals(6, sent.size(), "one call per metric, whatever the number of services");
    assertTrue(sent.stream().allMatch(r -> r.getFilter().length() <= 600));
    assertTrue(sent.stream().noneMatch(r -> r.getFilter().contains("service_name")));
    assertTrue(sent.stream().allMatch(r -> r.getFilter().contains(
        "resource.labels.location = one_of(\"" + LOCATION + "\")")),
        "the project-wide fallback still reads the rollouts' regions only");
    assertEquals(keys, out.keySet());
    for (RevisionKey k : keys) {
      assertEquals(new RequestCounts(0, 0, 0, 1), out.get(k).get(0).requests(), k.toString());
    }
  }

  @Test
  void nothingToReadMakesNoCalls() {
    assertEquals(Map.of(), reader.read(new Query(Set.of(), T0, T0.plus(MINUTE), MINUTE)));
    Map<RevisionKey, List<MetricBucket>> out =
        reader.read(query(T0, T0.plusSeconds(30), key("a", "a-1")));
    assertEquals(Map.of(key("a", "a-1"), List.of()), out);
    assertEquals(0, monitoring.calls().count("ListTimeSeries"));
  }

  @Test
  void unavailableIsRetriedByTheClient() {
    monitoring.faults().failNext("ListTimeSeries", 2, Status.UNAVAILABLE);
    monitoring.record("checkout", "checkout-v2", 200, 5, T0.plusSeconds(10));
    Map<RevisionKey, List<MetricBucket>> out =
        reader.read(query(T0, T0.plus(MINUTE), key("checkout", "checkout-v2")));
    assertEquals(1, out.get(key("checkout", "checkout-v2")).get(0).requests().c2xx());
    assertEquals(8, monitoring.calls().count("ListTimeSeries"));
  }

  @Test
  void instanceStartsAndCountsArePerRevisionAndBucket() {
    // Two instances of the candidate start in minute 0 (1000 and 3000 ms), none later; the
    // stable's one instance started long before.
    monitoring.recordStart("checkout", "checkout-v2", 1000, T0.plusSeconds(10));
    monitoring.recordStart("checkout", "checkout-v2", 3000, T0.plusSeconds(20));
    monitoring.recordStart("checkout", "checkout-v1", 900, T0.minusSeconds(600));
    Map<RevisionKey, List<MetricBucket>> out = reader.read(query(T0,
        T0.plus(MINUTE.multipliedBy(2)), key("checkout", "checkout-v1"),
        key("checkout", "checkout-v2")));

    var first = out.get(key("checkout", "checkout-v2")).get(0).containers();
    assertEquals(2, first.starts());
    assertEquals(4000, first.startupMillis(), 1e-6);
    assertEquals(2.0, first.instances().getAsDouble(), 1e-9);
    var second = out.get(key("checkout", "checkout-v2")).get(1).containers();
    assertEquals(0, second.starts());
    assertEquals(2.0, second.instances().getAsDouble(), 1e-9, "still up, not started again");
    var stable = out.get(key("checkout", "checkout-v1")).get(0).containers();
    assertEquals(0, stable.starts());
    assertEquals(1.0, stable.instances().getAsDouble(), 1e-9);
  }

  @Test
  void unavailableBeyondTheRetriesIsTransient() {
    monitoring.faults().failNext("ListTimeSeries", 10, Status.UNAVAILABLE.withDescription("x"));
    TransientFailure f = assertThrows(TransientFailure.class,
        () -> reader.read(query(T0, T0.plus(MINUTE), key("checkout", "checkout-v2"))));
    assertTrue(f.getMessage().contains("UNAVAILABLE"), f.getMessage());
    assertTrue(f.getMessage().contains("run.googleapis.com/request_count"), f.getMessage());
  }

  @Test
  void invalidArgumentAndPermissionDeniedArePermanent() {
    monitoring.faults().failNext("ListTimeSeries", 1,
        Status.INVALID_ARGUMENT.withDescription("bad filter"));
    PermanentFailure f = assertThrows(PermanentFailure.class,
        () -> reader.read(query(T0, T0.plus(MINUTE), key("checkout", "checkout-v2"))));
    assertTrue(f.getMessage().contains("bad filter"), f.getMessage());
    assertEquals(1, monitoring.calls().count("ListTimeSeries"), "not retried");

    monitoring.faults().failNext("ListTimeSeries", 1, Status.PERMISSION_DENIED);
    assertThrows(PermanentFailure.class,
        () -> reader.read(query(T0, T0.plus(MINUTE), key("checkout", "checkout-v2"))));
  }

  // ------------------------------------------------------------------ helpers

  private static void assertAggregation(ListTimeSeriesRequest r, Aggregation.Aligner aligner,
      Aggregation.Reducer reducer, List<String> groupBy) {
    Aggregation a = r.getAggregation();
    assertEquals(60, a.getAlignmentPeriod().getSeconds());
    assertEquals(aligner, a.getPerSeriesAligner(), r.getFilter());
    assertEquals(reducer, a.getCrossSeriesReducer(), r.getFilter());
    assertEquals(groupBy, a.getGroupByFieldsList(), r.getFilter());
    assertFalse(r.hasSecondaryAggregation());
  }

  private List<ListTimeSeriesRequest> requests() {
    return monitoring.calls().requests("ListTimeSeries", ListTimeSeriesRequest.class);
  }

  private static Query query(Instant start, Instant end, RevisionKey... keys) {
    return new Query(Set.of(keys), start, end, MINUTE);
  }

  private static RevisionKey key(String service, String revision) {
    return new RevisionKey(service, revision, LOCATION);
  }
}
