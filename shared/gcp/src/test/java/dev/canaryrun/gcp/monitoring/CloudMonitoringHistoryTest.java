package dev.canaryrun.gcp.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.monitoring.v3.MetricServiceClient;
import com.google.monitoring.v3.ListTimeSeriesRequest;
import dev.canaryrun.backtest.History;
import dev.canaryrun.judge.MetricBucket;
import dev.canaryrun.local.LocalControlPlane;
import dev.canaryrun.local.RecordedHistory;
import dev.canaryrun.port.MetricsReader.RevisionKey;
import dev.canaryrun.port.PermanentFailure;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The history reader through the real client against the local Monitoring and a recorded history. */
class CloudMonitoringHistoryTest {
  static final String PROJECT = "shop-prod";
  static final Instant T0 = Instant.parse("2026-11-16T10:00:00Z");
  static final Duration MINUTE = Duration.ofMinutes(1);

  static LocalControlPlane plane;
  static MetricServiceClient client;

  /** v1 serves both regions for 3 hours; v2 (same name in both) from 11:00; a missing minute. */
  static String recorded() {
    StringBuilder b = new StringBuilder("# minute_end,location,service,revision,...\n");
    for (int m = 0; m < 180; m++) {
      String end = T0.plus(MINUTE.multipliedBy(m + 1)).toString();
      if (m != 70) { // Monitoring lost this minute's point of v1 in europe-west1
        b.append(end).append(",europe-west1,checkout,checkout-v1,9,0,0,1,50:4 120:6,0.2,0.4\n");
      }
      b.append(end).append(",us-central1,checkout,checkout-v1,5,0,0,0,50:5,0.2,0.4\n");
      if (m >= 60) {
        b.append(end).append(",europe-west1,checkout,checkout-v2,2,0,0,0,80:2,0.3,0.5\n");
        b.append(end).append(",us-central1,checkout,checkout-v2,3,0,1,0,80:4,,\n");
      }
      b.append(end).append(",europe-west1,search,search-v9,7,0,0,0,20:7,0.1,0.1\n");
    }
    return b.toString();
  }

  @BeforeAll
  static void start() {
    plane = LocalControlPlane.start(0);
    plane.monitoring().load(RecordedHistory.read(new ByteArrayInputStream(
        recorded().getBytes(StandardCharsets.UTF_8)), "recorded.csv", PROJECT));
    client = MonitoringClients.create(Optional.of(plane.endpoint()), Duration.ofSeconds(5), 3);
  }

  @AfterAll
  static void stop() {
    client.close();
    plane.close();
  }

  CloudMonitoringHistory history(Duration window, int pageSize) {
    return new CloudMonitoringHistory(client, PROJECT,
        new CloudMonitoringHistory.Options(window, pageSize));
  }

  @Test
  void findsEachRegionsRevisionsApartWithTheirTotals() {
    Map<RevisionKey, Long> r = history(Duration.ofDays(1), 10_000).revisions("checkout",
        Optional.empty(), T0, T0.plus(Duration.ofHours(3)));

    assertEquals(Map.of(
        new RevisionKey("checkout", "checkout-v1", "europe-west1"), 179 * 10L,
        new RevisionKey("checkout", "checkout-v1", "us-central1"), 180 * 5L,
        new RevisionKey("checkout", "checkout-v2", "europe-west1"), 120 * 2L,
        new RevisionKey("checkout", "checkout-v2", "us-central1"), 120 * 4L), r);
    assertEquals(2, history(Duration.ofDays(1), 10_000).revisions("checkout",
        Optional.of("us-central1"), T0, T0.plus(Duration.ofHours(3))).size());
    assertEquals(List.of("checkout", "search"), history(Duration.ofDays(1), 10_000)
        .services(Optional.empty(), T0, T0.plus(Duration.ofHours(3))));
  }

  @Test
  void readsInBoundedWindowsFollowingEveryPageAndStitchesThemExactly() {
    plane.monitoring().calls().clear();
    CloudMonitoringHistory m = history(Duration.ofMinutes(50), 1);
    Map<RevisionKey, Long> revisions = m.revisions("checkout", Optional.empty(), T0,
        T0.plus(Duration.ofHours(3)));

    History h = m.read(revisions.keySet(), T0, T0.plus(Duration.ofHours(3)), MINUTE);

    // 4 windows (50+50+50+30 min) for the totals, then 4 metrics x 4 windows, with pages of
    // one series each: every call's interval is at most 50 minutes.
    List<ListTimeSeriesRequest> sent = plane.monitoring().calls().all().stream()
        .map(c -> (ListTimeSeriesRequest) c.request()).toList();
    assertTrue(sent.size() > 4 + 16, "pages were followed: " + sent.size());
    for (ListTimeSeriesRequest q : sent) {
      long span = q.getInterval().getEndTime().getSeconds()
          - q.getInterval().getStartTime().getSeconds();
      assertTrue(span <= 50 * 60, "a window of " + span + " s");
    }
    RevisionKey eu = new RevisionKey("checkout", "checkout-v1", "europe-west1");
    assertEquals(180, h.series().get(eu).size());
    long total = h.series().get(eu).values().stream().mapToLong(b -> b.requests().total()).sum();
    assertEquals(1790, total);
    MetricBucket b = h.bucket(eu, T0.plus(MINUTE.multipliedBy(5)));
    assertEquals(1, b.requests().c5xx());
    assertEquals(10, b.latency().total());
    assertEquals(0.2, b.cpuUtilisation().getAsDouble(), 0.011);
    assertEquals(0, h.requests(eu, T0.plus(MINUTE.multipliedBy(70))), "the missing minute");
    // Same-named revisions of the two regions are two series.
    assertEquals(1, h.bucket(new RevisionKey("checkout", "checkout-v2", "us-central1"),
        T0.plus(MINUTE.multipliedBy(90))).requests().c4xx());
  }

  @Test
  void refusesMoreThanMonitoringKeeps() {
    PermanentFailure e = assertThrows(PermanentFailure.class, () -> history(Duration.ofDays(1),
        10).revisions("checkout", Optional.empty(), T0.minus(Duration.ofDays(50)), T0));
    assertTrue(e.getMessage().contains("42 days"), e::getMessage);
  }
}
