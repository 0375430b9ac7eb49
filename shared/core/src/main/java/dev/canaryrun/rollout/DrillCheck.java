package dev.canaryrun.rollout;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of a drill's report: what was checked, whether it passed, what was seen.
 *
 * @param at when it was checked (or the step happened); null when it never happened
 * @param millis how long it took, where that is the point (deploy, alert to rollback); null
 *     otherwise
 */
public record DrillCheck(String name, boolean passed, String detail, Instant at, Long millis) {
  public DrillCheck {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(detail, "detail");
  }

  public static DrillCheck pass(String name, String detail, Instant at) {
    return new DrillCheck(name, true, detail, at, null);
  }

  public static DrillCheck fail(String name, String detail, Instant at) {
    return new DrillCheck(name, false, detail, at, null);
  }
}
