package dev.canaryrun.judge;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which buckets a tick may consume, paired canary-with-stable by start time. A bucket is
 * consumed exactly once and only when final: its start is at or after the state's
 * {@code consumedUntil} and its end at or before the input's {@code finalUntil}. Anything
 * else (already consumed, not final yet, a duplicate of the same start) is ignored, because
 * Monitoring readers re-read overlapping windows and Pub/Sub redelivers ticks.
 *
 * @param pairs the buckets to consume, oldest first; a revision without a point for a
 *     start gets an empty bucket (Cloud Monitoring writes no point for zero traffic)
 * @param consumedUntil the new watermark: the latest end consumed, never moving backwards
 */
public record BucketSelection(List<Pair> pairs, Instant consumedUntil) {
  public BucketSelection {
    pairs = List.copyOf(pairs);
  }

  /** One aligned window seen by both revisions. */
  public record Pair(Instant start, Instant end, MetricBucket canary, MetricBucket stable) {}

  public static BucketSelection select(Instant consumedUntil, JudgeInput in) {
    Map<Instant, MetricBucket> canary = finalNew(in.canary(), consumedUntil, in.finalUntil());
    Map<Instant, MetricBucket> stable = finalNew(in.stable(), consumedUntil, in.finalUntil());
    TreeMap<Instant, Instant> windows = new TreeMap<>();
    canary.values().forEach(b -> windows.merge(b.start(), b.end(), BucketSelection::later));
    stable.values().forEach(b -> windows.merge(b.start(), b.end(), BucketSelection::later));
    List<Pair> pairs = new ArrayList<>();
    Instant watermark = consumedUntil;
    for (Map.Entry<Instant, Instant> w : windows.entrySet()) {
      Instant start = w.getKey();
      Instant end = w.getValue();
      if (start.isBefore(watermark)) {
        continue; // overlaps a window already consumed in this tick: take each minute once
      }
      MetricBucket c = canary.getOrDefault(start, MetricBucket.empty(start, end));
      MetricBucket s = stable.getOrDefault(start, MetricBucket.empty(start, end));
      pairs.add(new Pair(start, end, c, s));
      watermark = later(watermark, end);
    }
    return new BucketSelection(pairs, watermark);
  }

  private static Map<Instant, MetricBucket> finalNew(List<MetricBucket> buckets, Instant from,
      Instant finalUntil) {
    Map<Instant, MetricBucket> out = new TreeMap<>();
    for (MetricBucket b : buckets) {
      if (!b.start().isBefore(from) && !b.end().isAfter(finalUntil)) {
        out.putIfAbsent(b.start(), b); // a duplicate of the same window: the first wins
      }
    }
    return out;
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
