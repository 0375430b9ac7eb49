package dev.canaryrun.judge;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the judge carries from one tick to the next, stored with the rollout: the end of the
 * last consumed bucket (buckets are consumed exactly once) and the accumulated evidence as
 * named numbers. A flat map keeps persistence trivial and lets the judge evolve its
 * statistics without a storage migration; the judge documents the names it uses.
 */
public record JudgeState(Instant consumedUntil, Map<String, Double> values) {
  public JudgeState {
    Objects.requireNonNull(consumedUntil, "consumedUntil");
    values = java.util.Collections.unmodifiableMap(new TreeMap<>(values));
  }

  /** A fresh state that consumes buckets starting at {@code from}. */
  public static JudgeState startingAt(Instant from) {
    return new JudgeState(from, Map.of());
  }

  public double value(String name) {
    return values.getOrDefault(name, 0.0);
  }
}
