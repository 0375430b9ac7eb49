package dev.canaryrun.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.canaryrun.port.EventPublisher;
import dev.canaryrun.rollout.Effect.Notify;
import dev.canaryrun.rollout.Effect.ScheduleTick;
import dev.canaryrun.rollout.Rollout;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/**
 * The controller's {@link EventPublisher} on the in-process bus (in-memory mode): the same
 * payloads as PubSubEventPublisher puts on canaryrun-events and canaryrun-ticks, so follow-up
 * ticks reach OnPhaseTick through the bus exactly as they would through Pub/Sub.
 */
final class BusEventPublisher implements EventPublisher {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final MessageBus bus;
  private final Clock clock;

  BusEventPublisher(MessageBus bus, Clock clock) {
    this.bus = bus;
    this.clock = clock;
  }

  @Override
  public void notify(Rollout rollout, Notify n) {
    ObjectNode body = JSON.createObjectNode()
        .put("type", n.type().name())
        .put("rolloutId", rollout.id())
        .put("service", rollout.service())
        .put("state", rollout.state().name())
        .put("candidatePercent", rollout.traffic().candidatePercent())
        .put("message", n.message())
        .put("at", clock.instant().toString());
    bus.publish(Topics.EVENTS, body.toString().getBytes(StandardCharsets.UTF_8),
        Map.of("type", n.type().name(), "service", rollout.service(), "rolloutId", rollout.id()));
  }

  @Override
  public void scheduleTick(ScheduleTick tick) {
    ObjectNode body = JSON.createObjectNode()
        .put("rolloutId", tick.rolloutId())
        .put("expectedStep", tick.expectedStep());
    bus.publish(Topics.TICKS, body.toString().getBytes(StandardCharsets.UTF_8),
        Map.of("rolloutId", tick.rolloutId()));
  }
}
