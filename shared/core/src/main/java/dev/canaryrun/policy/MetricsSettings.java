package dev.canaryrun.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * How metrics are bucketed and when a bucket is first judged: once it ends at least
 * {@code ingestDelay} before now. Cloud Run samples every 60 s, and a sample is "not visible
 * for up to 180 s" after it is taken, so a minute's last points can arrive up to 60 + 180 s
 * after it ends. The default first read is at 180 s, and the points later than that are
 * not lost: the judge re-reads the buckets it has judged for {@code LateData.LOOKBACK} (10
 * minutes, past the 240 s with a wide margin) and counts what arrived since. Waiting the
 * full 240 s instead would delay every verdict by a minute to save the few late points that
 * the look-back counts anyway (docs/BENCH.md: err-x2-delay4 against err-x2-delay3-late30).
 */
public record MetricsSettings(Duration alignmentPeriod, Duration ingestDelay) {
  public MetricsSettings {
    Objects.requireNonNull(alignmentPeriod, "alignmentPeriod");
    Objects.requireNonNull(ingestDelay, "ingestDelay");
  }

  /** Cloud Run's sampling period and the most its samples take to become visible. */
  public static final Duration CLOUD_RUN_SAMPLING = Duration.ofSeconds(60);
  public static final Duration CLOUD_RUN_VISIBILITY = Duration.ofSeconds(180);

  public static MetricsSettings defaults() {
    return new MetricsSettings(Duration.ofMinutes(1), CLOUD_RUN_VISIBILITY);
  }
}
