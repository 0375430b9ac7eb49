package dev.canaryrun.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.MetricDescriptor.MetricKind;
import com.google.api.MetricDescriptor.ValueType;
import com.google.cloud.run.v2.Service;
import com.google.monitoring.v3.Aggregation;
import com.google.monitoring.v3.ListTimeSeriesRequest;
import com.google.monitoring.v3.TimeInterval;
import com.google.monitoring.v3.TimeSeries;
import dev.canaryrun.fixtures.Fixtures;
import dev.canaryrun.fixtures.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The local Cloud Run and Monitoring against real shapes (fixtures/real/): Google's own Cloud
 * Run dashboard queries run unchanged, series carry the labels real ones do, revision names
 * look like real ones, utilisation buckets are the real 0..1 layout.
 */
class RealShapesTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Set<String> SERVED = Set.of("run.googleapis.com/request_count",
      "run.googleapis.com/request_latencies", "run.googleapis.com/container/cpu/utilizations",
      "run.googleapis.com/container/memory/utilizations");

  private final MutableClock clock = new MutableClock(T0);
  private final TimeSeriesStore store = new TimeSeriesStore(clock);
  private final LocalMonitoring monitoring = new LocalMonitoring(store, null);

  @Test
  void googlesCloudRunDashboardQueriesRunAndGroupByLocation() throws Exception {
    RevisionKey west = new RevisionKey("p", "europe-west1", "shop", "shop-00007-2gd");
    RevisionKey central = new RevisionKey("p", "us-central1", "shop", "shop-00007-2gd");
    for (int i = 0; i < 20; i++) {
      monitoring.record(west, i % 5 == 0 ? 503 : 200, 10 + i, T0.plusSeconds(1 + i));
      monitoring.record(central, 200, 100 + i, T0.plusSeconds(1 + i));
    }
    store.add(new UtilisationRecord(west, 0.42, 0.3, T0.plusSeconds(30)));
    store.add(new UtilisationRecord(central, 0.9, 0.5, T0.plusSeconds(30)));

    List<JsonNode> queries = new ArrayList<>();
    collect(new ObjectMapper().readTree(Fixtures.real(
        "monitoring-cloudrun-dashboard-queries-google.json")), queries);
    int ran = 0;
    for (JsonNode q : queries) {
      String filter = q.path("filter").asText();
      String type = filter.replaceAll(".*metric.type=\"([^\"]+)\".*", "$1");
      if (!SERVED.contains(type)) {
        continue; // billable_instance_time and the like: not served locally
      }
      JsonNode agg = q.path("aggregation");
      Aggregation.Builder a = Aggregation.newBuilder()
          .setAlignmentPeriod(com.google.protobuf.Duration.newBuilder().setSeconds(60))
          .setPerSeriesAligner(Aggregation.Aligner.valueOf(agg.path("perSeriesAligner").asText()))
          .setCrossSeriesReducer(Aggregation.Reducer.valueOf(
              agg.path("crossSeriesReducer").asText()));
      agg.path("groupByFields").forEach(f -> a.addGroupByFields(f.asText()));
      List<TimeSeries> series = monitoring.query(ListTimeSeriesRequest.newBuilder()
          .setName("projects/p").setFilter(filter).setAggregation(a)
          .setInterval(TimeInterval.newBuilder()
              .setStartTime(TimeSeriesQuery.timestamp(T0))
              .setEndTime(TimeSeriesQuery.timestamp(T0.plusSeconds(60))))
          .build());
      assertEquals(2, series.size(), filter + " " + agg + ": one series per region");
      for (TimeSeries ts : series) {
        assertTrue(Set.of("europe-west1", "us-central1").contains(
            ts.getResource().getLabelsMap().get("location")), ts.getResource().toString());
      }
      ran++;
    }
    assertEquals(13, ran, "every dashboard query of a metric the fake serves");
  }

  @Test
  void rawSeriesCarryTheLabelsOfARealCloudRunRevisionAndAreDeltaDistributions()
      throws Exception {
    JsonNode real = new ObjectMapper().readTree(Fixtures.real(
        "cloudrun-request-log-entry-resource-labels-public-capture.json"));
    RevisionKey key = new RevisionKey("p", "us-central1", "palios-taey", "palios-taey-00007-2gd");
    monitoring.record(key, 500, 783, T0.plusSeconds(5));
    TimeSeries ts = monitoring.query(ListTimeSeriesRequest.newBuilder().setName("projects/p")
        .setFilter("metric.type = \"run.googleapis.com/request_latencies\"")
        .setInterval(TimeInterval.newBuilder().setStartTime(TimeSeriesQuery.timestamp(T0))
            .setEndTime(TimeSeriesQuery.timestamp(T0.plusSeconds(60)))).build()).get(0);
    List<String> realLabels = new ArrayList<>();
    real.path("resource").path("labels").fieldNames().forEachRemaining(realLabels::add);
    assertEquals(Set.copyOf(realLabels), ts.getResource().getLabelsMap().keySet());
    assertEquals(MetricKind.DELTA, ts.getMetricKind());
    assertEquals(ValueType.DISTRIBUTION, ts.getValueType());
  }

  @Test
  void utilisationBucketsAreTheReal0To1LinearLayout() {
    // stackdriver_exporter issue 438: 102 buckets, le 0.00, 0.01 ... 0.99 (plus overflow).
    Histogram.Layout layout = RunMetric.CPU_UTILIZATIONS.layout;
    assertEquals(100, layout.finiteBuckets(), "100 finite + underflow + overflow = 102");
    assertEquals(0.0, layout.lower(1), 1e-12);
    assertEquals(0.99, layout.lower(100), 1e-12);
    assertEquals(43, layout.index(0.42), "0.42 is in [0.42, 0.43)");
    assertEquals(101, layout.index(1.0), "a full instance overflows the last finite bucket");
  }

  @Test
  void generatedRevisionNamesHaveTheRealShape() {
    try (LocalCloudRun run = new LocalCloudRun(clock, store)) {
      Service s = run.createService("projects/p/locations/us-central1", "palios-taey", "img:v1");
      String name = s.getLatestReadyRevision().substring(
          s.getLatestReadyRevision().lastIndexOf('/') + 1);
      assertTrue(name.matches("palios-taey-00001-[a-z0-9]{3}"), name);
      assertFalse(s.getReconciling());
    }
  }

  private static void collect(JsonNode n, List<JsonNode> out) {
    if (n.isObject()) {
      if (n.has("timeSeriesFilter")) {
        out.add(n.get("timeSeriesFilter"));
      }
      n.elements().forEachRemaining(c -> collect(c, out));
    } else if (n.isArray()) {
      n.elements().forEachRemaining(c -> collect(c, out));
    }
  }
}
