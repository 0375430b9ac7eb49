package dev.canaryrun.port;

import dev.canaryrun.judge.MetricBucket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Per-revision metric buckets. One call covers every revision of every active rollout, so a
 * tick costs a handful of Monitoring queries whatever the number of rollouts.
 */
public interface MetricsReader {
  Map<RevisionKey, List<MetricBucket>> read(Query query);

  /**
   * One revision's series. The location is part of the key because revision names are unique
   * per region only: the same service deployed in two regions with {@code --revision-suffix}
   * has same-named revisions whose metrics must never be merged.
   *
   * @param location the Cloud Run region ({@code resource.labels.location})
   */
  record RevisionKey(String service, String revision, String location) {
    public RevisionKey {
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(revision, "revision");
      Objects.requireNonNull(location, "location");
    }
  }

  /** Buckets of {@code alignment} covering [start, end) for each revision. */
  record Query(Set<RevisionKey> revisions, Instant start, Instant end, Duration alignment) {
    public Query {
      revisions = Set.copyOf(revisions);
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      Objects.requireNonNull(alignment, "alignment");
    }
  }
}
