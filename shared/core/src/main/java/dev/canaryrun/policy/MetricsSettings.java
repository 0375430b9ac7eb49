package dev.canaryrun.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * How metrics are bucketed and when a bucket is final. Cloud Monitoring data for Cloud Run
 * arrives up to about three minutes late, so a bucket is only consumed once it ends at least
 * {@code ingestDelay} before now.
 */
public record MetricsSettings(Duration alignmentPeriod, Duration ingestDelay) {
  public MetricsSettings {
    Objects.requireNonNull(alignmentPeriod, "alignmentPeriod");
    Objects.requireNonNull(ingestDelay, "ingestDelay");
  }

  public static MetricsSettings defaults() {
    return new MetricsSettings(Duration.ofMinutes(1), Duration.ofMinutes(3));
  }
}
