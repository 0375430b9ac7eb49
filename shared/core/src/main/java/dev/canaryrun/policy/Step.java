package dev.canaryrun.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * One phase of a rollout: the candidate receives {@code percent} of traffic for at least
 * {@code minDwell}; an inconclusive step ends by {@code maxDwell} at the latest (moving on or
 * pausing, as the policy's onInconclusive says: see rollout.StepGate).
 * Range checks live in {@link RolloutPolicy} so that messages can name the step's index.
 */
public record Step(int percent, Duration minDwell, Duration maxDwell) {
  public Step {
    Objects.requireNonNull(minDwell, "minDwell");
    Objects.requireNonNull(maxDwell, "maxDwell");
  }

  public static Step of(int percent, Duration minDwell) {
    // Common practice: give an inconclusive phase up to three times its dwell to gather traffic.
    return new Step(percent, minDwell, minDwell.multipliedBy(3));
  }
}
