package dev.canaryrun.service;

import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutEvent;
import java.util.function.Function;

/**
 * One item of the decision loop's worklist: the event to decide, built from the rollout as
 * loaded (a tick judges the fresh judge state after a concurrent save).
 *
 * @param wrotePercent for the confirmation of a traffic write: the candidate share that was
 *     just written, so that a write overtaken by a newer intent can be repaired; else null
 */
record Work(Function<Rollout, RolloutEvent> eventFor, Integer wrotePercent) {

  static Work of(RolloutEvent e) {
    return new Work(r -> e, null);
  }

  static Work building(Function<Rollout, RolloutEvent> eventFor) {
    return new Work(eventFor, null);
  }

  static Work confirming(RolloutEvent e, int wrotePercent) {
    return new Work(r -> e, wrotePercent);
  }
}
