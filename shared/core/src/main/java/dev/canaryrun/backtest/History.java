package dev.canaryrun.backtest;

import dev.canaryrun.judge.MetricBucket;
import dev.canaryrun.port.MetricsReader.RevisionKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A service's metric history as Cloud Monitoring returned it: per revision (and region: the
 * key has the location, so same-named revisions of two regions stay apart) its aligned
 * buckets over [start, end). A minute Monitoring had no point for is simply absent (or an
 * empty bucket): both read as zero traffic.
 */
public record History(Map<RevisionKey, NavigableMap<Instant, MetricBucket>> series,
    Instant start, Instant end, Duration alignment) {

  public History {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(alignment, "alignment");
    if (!end.isAfter(start)) {
      throw new IllegalArgumentException("history end " + end + " must be after its start "
          + start);
    }
    if (alignment.isNegative() || alignment.isZero()) {
      throw new IllegalArgumentException("alignment must be positive, got " + alignment);
    }
    Map<RevisionKey, NavigableMap<Instant, MetricBucket>> copy = new java.util.HashMap<>();
    series.forEach((k, v) -> copy.put(k, Collections.unmodifiableNavigableMap(new TreeMap<>(v))));
    series = Map.copyOf(copy);
  }

  /** From a reader's answer: one list of buckets per revision. */
  public static History of(Map<RevisionKey, List<MetricBucket>> buckets, Instant start,
      Instant end, Duration alignment) {
    Map<RevisionKey, NavigableMap<Instant, MetricBucket>> s = new java.util.HashMap<>();
    buckets.forEach((k, list) -> {
      NavigableMap<Instant, MetricBucket> m = new TreeMap<>();
      for (MetricBucket b : list) {
        m.merge(b.start(), b, (a, x) -> a); // a duplicate of the same window: the first wins
      }
      s.put(k, m);
    });
    return new History(s, start, end, alignment);
  }

  /** The revision's bucket starting at {@code t}, empty when Monitoring had no point. */
  public MetricBucket bucket(RevisionKey key, Instant t) {
    NavigableMap<Instant, MetricBucket> m = series.get(key);
    MetricBucket b = m == null ? null : m.get(t);
    return b != null ? b : MetricBucket.empty(t, t.plus(alignment));
  }

  /** Requests the revision served in the bucket starting at {@code t}. */
  public long requests(RevisionKey key, Instant t) {
    NavigableMap<Instant, MetricBucket> m = series.get(key);
    MetricBucket b = m == null ? null : m.get(t);
    return b == null ? 0 : b.requests().total();
  }
}
