package dev.canaryrun.local;

import com.google.api.Metric;
import com.google.api.MetricDescriptor.MetricKind;
import com.google.api.MetricDescriptor.ValueType;
import com.google.api.MonitoredResource;
import com.google.monitoring.v3.Aggregation;
import com.google.monitoring.v3.Aggregation.Aligner;
import com.google.monitoring.v3.Aggregation.Reducer;
import com.google.monitoring.v3.ListTimeSeriesRequest;
import com.google.monitoring.v3.Point;
import com.google.monitoring.v3.TimeInterval;
import com.google.monitoring.v3.TimeSeries;
import com.google.monitoring.v3.TypedValue;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Answers one ListTimeSeries request from raw samples: filter, align into end-aligned
 * buckets, reduce across series, newest point first. Pure.
 */
final class TimeSeriesQuery {

  static final String RESOURCE_TYPE = "cloud_run_revision";
  private static final Duration RAW_PERIOD = Duration.ofMinutes(1);


  private TimeSeriesQuery() {}

  static List<TimeSeries> run(ListTimeSeriesRequest request, List<RequestRecord> requests,
      List<RequestBatch> batches, List<UtilisationRecord> utilisations,
      List<ContainerStart> starts) {
    String project = project(request.getName());
    MetricFilter filter = MetricFilter.parse(request.getFilter());
    RunMetric metric = RunMetric.byType(filter.metricType()).orElse(null);
    if (metric == null) {
      return List.of(); // an unknown metric type has no data, as on a project without it
    }
    if (!request.hasInterval() || !request.getInterval().hasEndTime()) {
      throw invalid("interval.end_time is required");
    }
    if (!request.getInterval().hasStartTime()) {
      throw invalid("interval.start_time is required for DELTA metrics like " + metric.type);
    }
    Instant start = instant(request.getInterval().getStartTime());
    Instant end = instant(request.getInterval().getEndTime());
    if (start.isAfter(end)) {
      throw invalid("interval.start_time is after interval.end_time");
    }
    Aggregation agg = request.getAggregation();
    Aligner aligner = agg.getPerSeriesAligner();
    Reducer reducer = agg.getCrossSeriesReducer();
    boolean aligned = aligner != Aligner.ALIGN_NONE;
    if (reducer != Reducer.REDUCE_NONE && !aligned) {
      throw invalid("cross_series_reducer " + reducer + " needs a per_series_aligner");
    }
    if (request.hasSecondaryAggregation()
        && !request.getSecondaryAggregation().equals(Aggregation.getDefaultInstance())) {
      throw invalid("secondary_aggregation is not supported by the local emulator");
    }
    Duration period = aligned ? alignmentPeriod(agg) : RAW_PERIOD;

    // 1. Samples in the interval that pass the filter, grouped into series.
    Map<Map<String, String>, List<RunMetric.Sample>> series = new TreeMap<>(MAP_ORDER);
    for (RunMetric.Sample s : metric.samples(requests, batches, utilisations, starts, end)) {
      if (!s.at().isAfter(start) || s.at().isAfter(end)) {
        continue;
      }
      Map<String, String> fields = fields(metric, s);
      if (!fields.get("project").equals(project) || !filter.matches(fields)) {
        continue;
      }
      Map<String, String> key = new TreeMap<>(fields);
      key.remove("project");
      key.remove("metric.type");
      key.remove("resource.type");
      series.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
    }

    // 2. Per series: bucket by end time, align each bucket to one value.
    Map<Map<String, String>, TreeMap<Instant, Cell>> alignedSeries = new TreeMap<>(MAP_ORDER);
    ValueType outType = null;
    for (Map.Entry<Map<String, String>, List<RunMetric.Sample>> e : series.entrySet()) {
      Map<Instant, List<RunMetric.Sample>> buckets = new HashMap<>();
      for (RunMetric.Sample s : e.getValue()) {
        Instant bucketEnd = aligned ? endAligned(s.at(), end, period) : minuteEnd(s.at());
        buckets.computeIfAbsent(bucketEnd, k -> new ArrayList<>()).add(s);
      }
      TreeMap<Instant, Cell> points = new TreeMap<>();
      for (Map.Entry<Instant, List<RunMetric.Sample>> b : buckets.entrySet()) {
        Cell c = align(metric, aligned ? aligner : Aligner.ALIGN_DELTA, b.getValue(), period);
        points.put(b.getKey(), c);
        outType = c.type;
      }
      alignedSeries.put(e.getKey(), points);
    }
    MetricKind kind = aligned ? kindAfter(aligner) : MetricKind.DELTA;

    // 3. Across series.
    Map<Map<String, String>, TreeMap<Instant, Cell>> result = alignedSeries;
    if (reducer != Reducer.REDUCE_NONE) {
      List<String> groupBy = new ArrayList<>();
      for (String f : agg.getGroupByFieldsList()) {
        groupBy.add(normaliseGroupBy(f));
      }
      Map<Map<String, String>, Map<Instant, List<Cell>>> groups = new TreeMap<>(MAP_ORDER);
      alignedSeries.forEach((key, points) -> {
        Map<String, String> groupKey = new TreeMap<>();
        for (String g : groupBy) {
          if (key.containsKey(g)) {
            groupKey.put(g, key.get(g));
          }
        }
        Map<Instant, List<Cell>> byTime = groups.computeIfAbsent(groupKey, k -> new HashMap<>());
        points.forEach((t, c) -> byTime.computeIfAbsent(t, k -> new ArrayList<>()).add(c));
      });
      result = new TreeMap<>(MAP_ORDER);
      for (Map.Entry<Map<String, String>, Map<Instant, List<Cell>>> g : groups.entrySet()) {
        TreeMap<Instant, Cell> points = new TreeMap<>();
        for (Map.Entry<Instant, List<Cell>> p : g.getValue().entrySet()) {
          Cell c = CrossSeries.reduce(metric, reducer, p.getValue());
          points.put(p.getKey(), c);
          outType = c.type;
        }
        result.put(g.getKey(), points);
      }
      if (reducer == Reducer.REDUCE_MEAN || reducer == Reducer.REDUCE_COUNT) {
        kind = MetricKind.GAUGE;
      }
    }

    // 4. As TimeSeries, newest point first.
    boolean headersOnly = request.getView() == ListTimeSeriesRequest.TimeSeriesView.HEADERS;
    List<TimeSeries> out = new ArrayList<>();
    for (Map.Entry<Map<String, String>, TreeMap<Instant, Cell>> e : result.entrySet()) {
      Metric.Builder m = Metric.newBuilder().setType(metric.type);
      MonitoredResource.Builder r = MonitoredResource.newBuilder().setType(RESOURCE_TYPE);
      e.getKey().forEach((k, v) -> {
        if (k.startsWith("metric.labels.")) {
          m.putLabels(k.substring("metric.labels.".length()), v);
        } else if (k.startsWith("resource.labels.")) {
          r.putLabels(k.substring("resource.labels.".length()), v);
        }
      });
      TimeSeries.Builder ts = TimeSeries.newBuilder().setMetric(m).setResource(r)
          .setMetricKind(kind).setValueType(outType == null ? metric.valueType : outType)
          .setUnit(metric.unit);
      if (!headersOnly) {
        for (Map.Entry<Instant, Cell> p : e.getValue().descendingMap().entrySet()) {
          ts.addPoints(Point.newBuilder()
              .setInterval(TimeInterval.newBuilder()
                  .setStartTime(timestamp(p.getKey().minus(period)))
                  .setEndTime(timestamp(p.getKey())))
              .setValue(p.getValue().toTypedValue()));
        }
      }
      out.add(ts.build());
    }
    return out;
  }

  private static Cell align(RunMetric metric, Aligner aligner, List<RunMetric.Sample> samples,
      Duration period) {
    boolean distribution = metric.valueType == ValueType.DISTRIBUTION;
    switch (aligner) {
      case ALIGN_DELTA, ALIGN_SUM -> {
        if (distribution) {
          Cell c = new Cell(ValueType.DISTRIBUTION);
          c.histogram = histogram(metric, samples);
          return c;
        }
        Cell c = new Cell(ValueType.INT64);
        c.int64 = weight(samples);
        return c;
      }
      case ALIGN_RATE -> {
        if (distribution) {
          throw unsupportedAligner(aligner, metric);
        }
        Cell c = new Cell(ValueType.DOUBLE);
        c.dbl = weight(samples) / (period.toMillis() / 1000.0);
        return c;
      }
      case ALIGN_MEAN -> {
        Cell c = new Cell(ValueType.DOUBLE);
        if (distribution) {
          c.dbl = histogram(metric, samples).mean();
        } else {
          // Mean of the raw one-minute points that fall in the bucket.
          Map<Instant, Integer> perMinute = new HashMap<>();
          samples.forEach(s -> perMinute.merge(minuteEnd(s.at()), 1, Integer::sum));
          c.dbl = (double) weight(samples) / perMinute.size();
        }
        return c;
      }
      case ALIGN_PERCENTILE_99, ALIGN_PERCENTILE_95, ALIGN_PERCENTILE_50,
          ALIGN_PERCENTILE_05 -> {
        if (!distribution) {
          throw unsupportedAligner(aligner, metric);
        }
        double p = switch (aligner) {
          case ALIGN_PERCENTILE_99 -> 99;
          case ALIGN_PERCENTILE_95 -> 95;
          case ALIGN_PERCENTILE_50 -> 50;
          default -> 5;
        };
        Cell c = new Cell(ValueType.DOUBLE);
        c.dbl = histogram(metric, samples).percentile(p);
        return c;
      }
      case ALIGN_COUNT -> {
        Cell c = new Cell(ValueType.INT64);
        Map<Instant, Integer> perMinute = new HashMap<>();
        samples.forEach(s -> perMinute.merge(minuteEnd(s.at()), 1, Integer::sum));
        c.int64 = perMinute.size();
        return c;
      }
      default -> throw unsupportedAligner(aligner, metric);
    }
  }


  private static Histogram histogram(RunMetric metric, List<RunMetric.Sample> samples) {
    Histogram h = new Histogram(metric.layout);
    samples.forEach(s -> h.add(s.value(), s.weight()));
    return h;
  }

  private static long weight(List<RunMetric.Sample> samples) {
    long n = 0;
    for (RunMetric.Sample s : samples) {
      n += s.weight();
    }
    return n;
  }

  private static MetricKind kindAfter(Aligner aligner) {
    return switch (aligner) {
      case ALIGN_DELTA, ALIGN_SUM -> MetricKind.DELTA;
      default -> MetricKind.GAUGE;
    };
  }

  /** All the fields a filter or group-by can name, for one sample. */
  private static Map<String, String> fields(RunMetric metric, RunMetric.Sample s) {
    Map<String, String> f = new HashMap<>();
    f.put("project", s.resource().project());
    f.put("metric.type", metric.type);
    f.put("resource.type", RESOURCE_TYPE);
    f.put("resource.labels.project_id", s.resource().project());
    f.put("resource.labels.location", s.resource().location());
    f.put("resource.labels.service_name", s.resource().service());
    f.put("resource.labels.configuration_name", s.resource().service());
    f.put("resource.labels.revision_name", s.resource().revision());
    s.metricLabels().forEach((k, v) -> f.put("metric.labels." + k, v));
    return f;
  }

  private static String normaliseGroupBy(String field) {
    for (String prefix : List.of("resource", "metric")) {
      for (String form : List.of(prefix + ".labels.", prefix + ".label.")) {
        if (field.startsWith(form) && field.length() > form.length()) {
          // resource.label."location" (quoted, as Google's dashboards write it) is location.
          String name = field.substring(form.length());
          if (name.length() > 2 && name.startsWith("\"") && name.endsWith("\"")) {
            name = name.substring(1, name.length() - 1);
          }
          return prefix + ".labels." + name;
        }
      }
    }
    throw invalid("group_by_fields entry '" + field + "' is not supported by the local "
        + "emulator (supported: resource.labels.NAME, metric.labels.NAME)");
  }

  /** The end of the end-aligned bucket (e - period, e] holding t. */
  private static Instant endAligned(Instant t, Instant end, Duration period) {
    long behind = Duration.between(t, end).toNanos();
    long k = behind / period.toNanos();
    return end.minus(period.multipliedBy(k));
  }

  /** Raw points are per minute (m - 60s, m], m on a minute boundary. */
  private static Instant minuteEnd(Instant t) {
    long seconds = t.getEpochSecond();
    long minuteStart = Math.floorDiv(seconds, 60) * 60;
    boolean onBoundary = seconds == minuteStart && t.getNano() == 0;
    return Instant.ofEpochSecond(onBoundary ? minuteStart : minuteStart + 60);
  }

  private static Duration alignmentPeriod(Aggregation agg) {
    if (!agg.hasAlignmentPeriod()) {
      throw invalid("aggregation.alignment_period is required with per_series_aligner "
          + agg.getPerSeriesAligner());
    }
    Duration d = Duration.ofSeconds(agg.getAlignmentPeriod().getSeconds(),
        agg.getAlignmentPeriod().getNanos());
    if (d.isNegative() || d.isZero()) {
      throw invalid("aggregation.alignment_period must be positive");
    }
    return d;
  }

  private static String project(String name) {
    if (!name.startsWith("projects/") || name.length() == "projects/".length()
        || name.indexOf('/', "projects/".length()) >= 0) {
      throw invalid("name must be projects/{project}, got '" + name + "'");
    }
    return name.substring("projects/".length());
  }

  static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  static Timestamp timestamp(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  private static final Comparator<Map<String, String>> MAP_ORDER =
      Comparator.comparing(Object::toString);

  private static StatusRuntimeException unsupportedAligner(Aligner aligner, RunMetric metric) {
    return invalid("per_series_aligner " + aligner + " is not supported for " + metric.type
        + " (" + metric.valueType + " " + metric.kind() + ") by the local emulator");
  }

  private static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }
}
