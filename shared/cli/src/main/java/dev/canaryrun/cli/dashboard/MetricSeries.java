package dev.canaryrun.cli.dashboard;

import dev.canaryrun.judge.LatencyHistogram;
import dev.canaryrun.judge.MetricBucket;
import dev.canaryrun.port.MetricsReader;
import dev.canaryrun.port.MetricsReader.RevisionKey;
import dev.canaryrun.rollout.Rollout;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The rollout page's metric charts: canary and stable per bucket (a minute in production; the
 * policy's alignment), read from Cloud Monitoring with the controller's own reader, the same
 * numbers the judge reads. Columns follow uPlot's layout: one array of bucket starts (epoch
 * seconds) and one array per series, null where the revision served nothing that bucket.
 *
 * <p>Monitoring may refuse (permissions, quota): the charts then say why instead of drawing
 * nothing, and the rest of the page still shows.
 */
final class MetricSeries {
  /** Past this many buckets, they are merged so that a long rollout stays one readable page. */
  static final int MAX_BUCKETS = 720;
  static final double[] QUANTILES = {0.5, 0.9, 0.99};

  private MetricSeries() {}

  static Map<String, Object> of(Rollout r, Supplier<MetricsReader> reader, Instant now) {
    Duration alignment = r.policy().metrics().alignmentPeriod();
    Instant start = floor(r.createdAt(), alignment);
    Instant end = r.ended() ? r.updatedAt().plus(alignment) : now;
    end = floor(end, alignment).plus(alignment);
    long buckets = Duration.between(start, end).dividedBy(alignment);
    if (buckets > MAX_BUCKETS) {
      alignment = alignment.multipliedBy((buckets + MAX_BUCKETS - 1) / MAX_BUCKETS);
      start = floor(start, alignment);
      end = floor(end, alignment).plus(alignment);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("alignmentSeconds", alignment.toSeconds());
    RevisionKey canary = r.candidateRevision() == null ? null
        : new RevisionKey(r.service(), r.candidateRevision(), r.region());
    RevisionKey stable = r.stableRevision() == null ? null
        : new RevisionKey(r.service(), r.stableRevision(), r.region());
    if (canary == null) {
      out.put("note", "no candidate revision yet: nothing to chart");
      return out;
    }
    Map<RevisionKey, List<MetricBucket>> read;
    try {
      read = reader.get().read(new MetricsReader.Query(stable == null ? java.util.Set.of(canary)
          : java.util.Set.of(canary, stable), start, end, alignment));
    } catch (RuntimeException e) {
      out.put("error", "Cloud Monitoring did not answer: " + e.getMessage());
      return out;
    }
    TreeMap<Long, MetricBucket> c = byStart(read.get(canary));
    TreeMap<Long, MetricBucket> s = stable == null ? new TreeMap<>() : byStart(read.get(stable));
    List<Long> t = new ArrayList<>();
    for (Instant b = start; b.isBefore(end); b = b.plus(alignment)) {
      t.add(b.getEpochSecond());
    }
    out.put("t", t);
    out.put("canary", columns(t, c));
    out.put("stable", columns(t, s));
    if (stable == null) {
      out.put("note", "the stable revision is unknown: canary only");
    }
    return out;
  }

  private static Map<String, Object> columns(List<Long> t, TreeMap<Long, MetricBucket> buckets) {
    List<Long> requests = new ArrayList<>();
    List<Double> rate = new ArrayList<>();
    List<List<Double>> q = new ArrayList<>();
    for (int i = 0; i < QUANTILES.length; i++) {
      q.add(new ArrayList<>());
    }
    for (long at : t) {
      MetricBucket b = buckets.get(at);
      long n = b == null ? 0 : b.requests().total();
      requests.add(n);
      rate.add(n == 0 ? null : (double) b.requests().c5xx() / n);
      LatencyHistogram h = b == null ? LatencyHistogram.EMPTY : b.latency();
      for (int i = 0; i < QUANTILES.length; i++) {
        double v = h.total() == 0 ? Double.NaN : h.quantile(QUANTILES[i]);
        q.get(i).add(Double.isFinite(v) ? v : null);
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requests", requests);
    m.put("rate5xx", rate);
    m.put("p50", q.get(0));
    m.put("p90", q.get(1));
    m.put("p99", q.get(2));
    return m;
  }

  private static TreeMap<Long, MetricBucket> byStart(List<MetricBucket> buckets) {
    TreeMap<Long, MetricBucket> m = new TreeMap<>();
    if (buckets != null) {
      for (MetricBucket b : buckets) {
        m.put(b.start().getEpochSecond(), b); // the reader gives one bucket per start
      }
    }
    return m;
  }

  static Instant floor(Instant t, Duration alignment) {
    long s = alignment.toSeconds();
    return Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), s) * s);
  }
}
