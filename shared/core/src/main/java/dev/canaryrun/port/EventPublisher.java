package dev.canaryrun.port;

import dev.canaryrun.rollout.Effect.Notify;
import dev.canaryrun.rollout.Effect.ScheduleTick;
import dev.canaryrun.rollout.Rollout;

/** Lifecycle notifications (canaryrun-events) and follow-up ticks (canaryrun-ticks). */
public interface EventPublisher {
  void notify(Rollout rollout, Notify notification);

  void scheduleTick(ScheduleTick tick);
}
