package dev.canaryrun.judge;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the judge carries from one tick to the next, stored with the rollout: the end of the
 * last consumed bucket (buckets are consumed exactly once) and the accumulated evidence.
 *
 * @param consumedUntil end of the last consumed bucket
 * @param evidence canaryrun's own judge's typed evidence ({@link SequentialJudge})
 * @param values named numbers of other judges (the bench's baselines, tests' stand-ins):
 *     canaryrun's own judge keeps nothing here
 */
public record JudgeState(Instant consumedUntil, SequentialEvidence evidence,
    Map<String, Double> values) {
  public JudgeState {
    Objects.requireNonNull(consumedUntil, "consumedUntil");
    evidence = evidence == null ? SequentialEvidence.EMPTY : evidence;
    values = Collections.unmodifiableMap(new TreeMap<>(values == null ? Map.of() : values));
  }

  /** A state of another judge, which keeps its own named numbers. */
  public JudgeState(Instant consumedUntil, Map<String, Double> values) {
    this(consumedUntil, SequentialEvidence.EMPTY, values);
  }

  /** A fresh state that consumes buckets starting at {@code from}. */
  public static JudgeState startingAt(Instant from) {
    return new JudgeState(from, SequentialEvidence.EMPTY, Map.of());
  }

  /** This state with the sequential judge's evidence after a tick. */
  public JudgeState next(Instant until, SequentialEvidence e) {
    return new JudgeState(until, e, values);
  }

  /** One of another judge's named numbers (0 when absent). */
  public double value(String name) {
    return values.getOrDefault(name, 0.0);
  }
}
