package dev.canaryrun.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * One phase of a rollout: the candidate receives {@code percent} of traffic for at least
 * {@code minDwell}; an inconclusive step ends by {@code maxDwell} at the latest (moving on or
 * pausing, as the policy's onInconclusive says: see rollout.StepGate).
 * Range checks live in {@link RolloutPolicy} so that messages can name the step's index.
 *
 * @param gate a manual gate on leaving the step; null when the step has none
 */
public record Step(int percent, Duration minDwell, Duration maxDwell, Gate gate) {
  public Step {
    Objects.requireNonNull(minDwell, "minDwell");
    Objects.requireNonNull(maxDwell, "maxDwell");
  }

  /** A step without a gate. */
  public Step(int percent, Duration minDwell, Duration maxDwell) {
    this(percent, minDwell, maxDwell, null);
  }

  /** The same step, leaving it behind {@code g}. */
  public Step gated(Gate g) {
    return new Step(percent, minDwell, maxDwell, g);
  }

  public static Step of(int percent, Duration minDwell) {
    // Common practice: give an inconclusive phase up to three times its dwell to gather traffic.
    return new Step(percent, minDwell, minDwell.multipliedBy(3));
  }
}
