package dev.canaryrun.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.Distribution;
import com.google.monitoring.v3.Aggregation;
import com.google.monitoring.v3.ListTimeSeriesRequest;
import com.google.monitoring.v3.TimeInterval;
import com.google.monitoring.v3.TimeSeries;
import com.google.protobuf.Timestamp;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Recorded histories: parsed strictly, and answered by the local Monitoring like served requests. */
class RecordedHistoryTest {
  static final String LINES = "# a comment\n"
      + "2026-11-16T10:01:00Z,europe-west1,checkout,checkout-v1,6,1,1,2,10:3 100:7,0.25,0.5\n"
      + "2026-11-16T10:02:00Z,europe-west1,checkout,checkout-v1,1,0,0,0,10:1,,\n";

  static RecordedHistory read(String text) {
    return RecordedHistory.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
        "h.csv", "p");
  }

  static ListTimeSeriesRequest request(String metric, Aggregation.Aligner aligner,
      String... groupBy) {
    return ListTimeSeriesRequest.newBuilder().setName("projects/p")
        .setFilter("metric.type = \"" + metric + "\" AND resource.type = \"cloud_run_revision\"")
        .setInterval(TimeInterval.newBuilder()
            .setStartTime(Timestamp.newBuilder().setSeconds(at("2026-11-16T10:00:00Z")))
            .setEndTime(Timestamp.newBuilder().setSeconds(at("2026-11-16T10:02:00Z"))))
        .setAggregation(Aggregation.newBuilder()
            .setAlignmentPeriod(com.google.protobuf.Duration.newBuilder().setSeconds(60))
            .setPerSeriesAligner(aligner)
            .setCrossSeriesReducer(Aggregation.Reducer.REDUCE_SUM)
            .addAllGroupByFields(List.of(groupBy)))
        .build();
  }

  static long at(String t) {
    return java.time.Instant.parse(t).getEpochSecond();
  }

  @Test
  void aMinutesCountsAndLatenciesAreServedAsIfTheRequestsHadBeen() {
    LocalMonitoring m = new LocalMonitoring(new TimeSeriesStore(Clock.systemUTC()), null);
    m.load(read(LINES));

    Map<String, Long> byClass = new HashMap<>();
    for (TimeSeries ts : m.query(request("run.googleapis.com/request_count",
        Aggregation.Aligner.ALIGN_DELTA, "metric.labels.response_code_class"))) {
      ts.getPointsList().forEach(p -> byClass.merge(
          ts.getMetric().getLabelsMap().get("response_code_class"),
          p.getValue().getInt64Value(), Long::sum));
    }
    assertEquals(Map.of("2xx", 7L, "3xx", 1L, "4xx", 1L, "5xx", 2L), byClass);

    List<TimeSeries> lat = m.query(request("run.googleapis.com/request_latencies",
        Aggregation.Aligner.ALIGN_DELTA, "resource.labels.revision_name"));
    assertEquals(1, lat.size());
    // Newest point first: 10:02 has 1 request, 10:01 has 10 (3 at 10 ms, 7 at 100 ms).
    Distribution d = lat.get(0).getPoints(1).getValue().getDistributionValue();
    assertEquals(10, d.getCount());
    assertEquals(73.0, d.getMean(), 1e-9);
    assertEquals(0.3 * 0.7 * 10 * 90 * 90, d.getSumOfSquaredDeviation(), 1e-6);
  }

  @Test
  void aBadLineIsNamedWithWhatIsWrong() {
    IllegalArgumentException sum = assertThrows(IllegalArgumentException.class, () -> read(
        "2026-11-16T10:01:00Z,eu,checkout,checkout-v1,6,0,0,0,10:5,,\n"));
    assertTrue(sum.getMessage().contains("h.csv line 1: latency counts add up to 5, not the 6"),
        sum::getMessage);
    IllegalArgumentException minute = assertThrows(IllegalArgumentException.class, () -> read(
        "# x\n2026-11-16T10:01:30Z,eu,checkout,checkout-v1,1,0,0,0,10:1,,\n"));
    assertTrue(minute.getMessage().contains("line 2: minute_end 2026-11-16T10:01:30Z is not on "
        + "a minute"), minute::getMessage);
    IllegalArgumentException fields = assertThrows(IllegalArgumentException.class, () -> read(
        "2026-11-16T10:01:00Z,eu,checkout\n"));
    assertTrue(fields.getMessage().contains("expected 11 comma-separated fields, got 3"),
        fields::getMessage);
  }
}
