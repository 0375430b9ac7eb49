package dev.canaryrun.memory;

import dev.canaryrun.port.EventPublisher;
import dev.canaryrun.rollout.Effect.Notify;
import dev.canaryrun.rollout.Effect.ScheduleTick;
import dev.canaryrun.rollout.Rollout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Keeps notifications and follow-up ticks in memory, and optionally hands ticks to a consumer
 * (the demo's in-process bus when the Pub/Sub emulator is absent).
 */
public final class InMemoryEventPublisher implements EventPublisher {
  /** A notification as published, with the rollout it concerns. */
  public record Published(String rolloutId, String service, Notify notification) {}

  private final List<Published> notifications = new ArrayList<>();
  private final List<ScheduleTick> ticks = new ArrayList<>();
  private final Consumer<ScheduleTick> tickSink;

  public InMemoryEventPublisher() {
    this(t -> {});
  }

  public InMemoryEventPublisher(Consumer<ScheduleTick> tickSink) {
    this.tickSink = tickSink;
  }

  @Override
  public synchronized void notify(Rollout rollout, Notify notification) {
    notifications.add(new Published(rollout.id(), rollout.service(), notification));
  }

  @Override
  public void scheduleTick(ScheduleTick tick) {
    synchronized (this) {
      ticks.add(tick);
    }
    tickSink.accept(tick);
  }

  public synchronized List<Published> notifications() {
    return List.copyOf(notifications);
  }

  public synchronized List<ScheduleTick> ticks() {
    return List.copyOf(ticks);
  }
}
