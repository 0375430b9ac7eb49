package dev.canaryrun.cli.demo;

import com.google.cloud.functions.CloudEventsFunction;
import dev.canaryrun.gcp.decode.BuildNotificationDecoder;
import dev.canaryrun.gcp.decode.CommandDecoder;
import dev.canaryrun.gcp.decode.Decoded;
import dev.canaryrun.gcp.decode.EventSource;
import dev.canaryrun.gcp.decode.IncidentDecoder;
import dev.canaryrun.gcp.decode.PubSubMessage;
import dev.canaryrun.gcp.decode.TickDecoder;
import dev.canaryrun.service.RolloutService;
import io.cloudevents.CloudEvent;
import java.time.Instant;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The four functions, one per topic, each fed the CloudEvent its trigger would deliver.
 *
 * <p>STAND-IN: until functions/ lands, each function here decodes with the real decoders and
 * calls the RolloutService, which is what OnBuildFinished & co. do. Replaced by the real
 * classes as soon as they exist.
 */
record DemoFunctions(CloudEventsFunction onBuildFinished, CloudEventsFunction onPhaseTick,
    CloudEventsFunction onAlertFired, CloudEventsFunction onCommand) {

  static DemoFunctions create(RolloutService service, String defaultRegion) {
    BuildNotificationDecoder builds = new BuildNotificationDecoder(defaultRegion);
    TickDecoder ticks = new TickDecoder();
    IncidentDecoder incidents = new IncidentDecoder();
    CommandDecoder commands = new CommandDecoder();
    return new DemoFunctions(
        standIn(EventSource.BUILD, builds::decode, service::onBuildSucceeded),
        standIn(EventSource.TICK, ticks::decode, service::onTick),
        standIn(EventSource.ALERT, incidents::decode, service::onAlert),
        standIn(EventSource.COMMAND, commands::decode, service::onCommand));
  }

  CloudEventsFunction forTopic(String topic) {
    return switch (topic) {
      case Topics.BUILDS -> onBuildFinished;
      case Topics.TICKS -> onPhaseTick;
      case Topics.ALERTS -> onAlertFired;
      case Topics.COMMANDS -> onCommand;
      default -> throw new IllegalArgumentException("no function on " + topic);
    };
  }

  private static <T> CloudEventsFunction standIn(EventSource source,
      BiFunction<PubSubMessage, String, Decoded<T>> decoder, Consumer<T> handler) {
    return (CloudEvent event) -> {
      Instant time = event.getTime() == null ? Instant.now() : event.getTime().toInstant();
      Decoded<PubSubMessage> m = PubSubMessage.fromCloudEventData(
          event.getData() == null ? new byte[0] : event.getData().toBytes(), event.getId(), time);
      if (!(m instanceof Decoded.Accepted<PubSubMessage> a)) {
        return;
      }
      Decoded<T> d = decoder.apply(a.value(), source.eventId(a.value().messageId()));
      if (d instanceof Decoded.Accepted<T> accepted) {
        handler.accept(accepted.value());
      }
    };
  }
}
