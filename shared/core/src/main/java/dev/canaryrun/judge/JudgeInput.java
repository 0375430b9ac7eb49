package dev.canaryrun.judge;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The buckets a tick hands to the judge: canary and stable over the same window, only
 * buckets that are final (ending at or before {@code finalUntil}), and the canary's current
 * traffic share, which sets how many canary requests the null hypothesis expects.
 */
public record JudgeInput(
    List<MetricBucket> canary, List<MetricBucket> stable, int canaryPercent, Instant finalUntil) {
  public JudgeInput {
    canary = List.copyOf(canary);
    stable = List.copyOf(stable);
    Objects.requireNonNull(finalUntil, "finalUntil");
  }
}
