package dev.canaryrun.service;

import dev.canaryrun.judge.LateData;
import dev.canaryrun.judge.MetricBucket;
import dev.canaryrun.port.MetricsReader;
import dev.canaryrun.port.MetricsReader.RevisionKey;
import dev.canaryrun.rollout.Rollout;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads the metrics of every judged rollout of a tick in one batched call per alignment period
 * (in practice one: the default policy's), instead of one call per rollout, so that a tick's
 * Monitoring cost does not grow with the number of rollouts. Each rollout's window starts
 * {@link LateData#readBack} before the buckets it has consumed, for their late points.
 */
final class MetricsCollector {
  private final MetricsReader reader;

  MetricsCollector(MetricsReader reader) {
    this.reader = reader;
  }

  /** Windows by rollout id; rollouts with no final bucket yet get an empty window. */
  Map<String, MetricsWindow> collect(List<Rollout> judged, Instant now) {
    Map<String, MetricsWindow> windows = new HashMap<>();
    Map<Duration, List<Rollout>> byAlignment = judged.stream()
        .collect(Collectors.groupingBy(r -> r.policy().metrics().alignmentPeriod()));
    for (Map.Entry<Duration, List<Rollout>> group : byAlignment.entrySet()) {
      Duration alignment = group.getKey();
      Instant start = null;
      Instant end = null;
      Set<RevisionKey> keys = new HashSet<>();
      Map<String, Instant> finalUntil = new HashMap<>();
      for (Rollout r : group.getValue()) {
        // A bucket is first judged once it ended at least ingestDelay ago: Monitoring data is
        // late. Points later still are counted from the re-read of the look-back below.
        Instant until = alignDown(now.minus(r.policy().metrics().ingestDelay()), alignment);
        finalUntil.put(r.id(), until);
        // The buckets already consumed are read again, so that points that became visible
        // for them since are counted (LateData): the same one query, a wider window.
        Instant from = r.judge().consumedUntil().minus(LateData.readBack(alignment));
        if (!until.isAfter(from)) {
          continue;
        }
        start = start == null || from.isBefore(start) ? from : start;
        end = end == null || until.isAfter(end) ? until : end;
        keys.add(new RevisionKey(r.service(), r.candidateRevision(), r.region()));
        keys.add(new RevisionKey(r.service(), r.stableRevision(), r.region()));
      }
      Map<RevisionKey, List<MetricBucket>> read = keys.isEmpty()
          ? Map.of()
          : reader.read(new MetricsReader.Query(keys, start, end, alignment));
      for (Rollout r : group.getValue()) {
        Instant until = finalUntil.get(r.id());
        windows.put(r.id(), new MetricsWindow(
            within(read.get(new RevisionKey(r.service(), r.candidateRevision(), r.region())), until),
            within(read.get(new RevisionKey(r.service(), r.stableRevision(), r.region())), until),
            until));
      }
    }
    return windows;
  }

  private static List<MetricBucket> within(List<MetricBucket> buckets, Instant until) {
    if (buckets == null) {
      return List.of();
    }
    return buckets.stream().filter(b -> !b.end().isAfter(until)).toList();
  }

  static Instant alignDown(Instant t, Duration period) {
    long p = period.toMillis();
    long ms = t.toEpochMilli();
    return Instant.ofEpochMilli(ms - Math.floorMod(ms, p));
  }
}
