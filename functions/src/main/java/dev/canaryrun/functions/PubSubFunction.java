package dev.canaryrun.functions;

import com.google.cloud.functions.CloudEventsFunction;
import dev.canaryrun.gcp.decode.Decoded;
import dev.canaryrun.gcp.decode.EventSource;
import dev.canaryrun.gcp.decode.PubSubMessage;
import dev.canaryrun.gcp.logging.JsonLogging;
import dev.canaryrun.port.InvocationDeadline;
import dev.canaryrun.port.PermanentFailure;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.service.DecisionLog;
import dev.canaryrun.service.HandleResult;
import io.cloudevents.CloudEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The shared shape of the four functions: unwrap the Pub/Sub message from the
 * {@code messagePublished} CloudEvent, decode it, hand it to the RolloutService, and turn the
 * outcome into ack (return) or retry (throw).
 *
 * <ul>
 *   <li>Malformed input (bad JSON or base64, missing fields, unknown command, oversized): one
 *       ERROR line naming the problem, then ack. Redelivering it cannot make it well-formed.
 *   <li>{@link TransientFailure} (UNAVAILABLE, deadline, contention): rethrown, so Pub/Sub
 *       redelivers with backoff.
 *   <li>{@link PermanentFailure} (permission denied, bad request): ERROR and ack; retrying
 *       cannot fix configuration.
 *   <li>Anything else is a bug: ERROR and rethrow, so that the message ends in the dead-letter
 *       topic, kept for a replay once fixed, instead of being acked away.
 * </ul>
 */
abstract class PubSubFunction implements CloudEventsFunction {
  static {
    JsonLogging.install();
  }

  private final EventSource source;
  private final Supplier<Controller> controller;

  PubSubFunction(EventSource source, Supplier<Controller> controller) {
    this.source = source;
    this.controller = controller;
  }

  @Override
  public final void accept(CloudEvent event) {
    long started = System.nanoTime();
    // Wall time, as Cloud Functions measures the timeout the deadline is taken from.
    Instant start = Instant.now();
    byte[] data = event.getData() == null ? new byte[0] : event.getData().toBytes();
    Instant time = event.getTime() == null ? null : event.getTime().toInstant();
    Decoded<PubSubMessage> envelope = PubSubMessage.fromCloudEventData(data, event.getId(), time);
    if (!(envelope instanceof Decoded.Accepted<PubSubMessage> accepted)) {
      reportNotAccepted(envelope, source.eventId(String.valueOf(event.getId())));
      return;
    }
    PubSubMessage message = accepted.value();
    String eventId = source.eventId(message.messageId());
    try {
      Controller c = controller.get();
      // One deadline for everything this invocation waits on (InvocationBudget).
      List<HandleResult> results = c.budget()
          .map(b -> InvocationDeadline.within(b.deadline(start), () -> handle(c, message, eventId)))
          .orElseGet(() -> handle(c, message, eventId));
      logHandled(eventId, results, started);
    } catch (TransientFailure e) {
      DecisionLog.warn(name() + ": transient failure, Pub/Sub will redeliver: " + e.getMessage(),
          "eventId", eventId, "function", name());
      throw e;
    } catch (PermanentFailure e) {
      DecisionLog.error(name() + ": permanent failure, message acked: " + e.getMessage(), e,
          "eventId", eventId, "function", name());
    } catch (RuntimeException e) {
      DecisionLog.error(name() + ": unexpected failure, Pub/Sub will redeliver and then "
          + "dead-letter: " + e, e, "eventId", eventId, "function", name());
      throw e;
    }
  }

  /** Decodes and handles one message; returns what the service did (empty: nothing to do). */
  abstract List<HandleResult> handle(Controller c, PubSubMessage message, String eventId);

  final String name() {
    return getClass().getSimpleName();
  }

  /**
   * Logs an ignored (INFO) or rejected (ERROR, the problem named) decode result; returns an
   * empty result list, as nothing reached the service.
   */
  final List<HandleResult> reportNotAccepted(Decoded<?> d, String eventId) {
    if (d instanceof Decoded.Ignored<?> i) {
      DecisionLog.info(name() + ": ignored: " + i.reason(), fields(i.fields(), eventId));
    } else if (d instanceof Decoded.Rejected<?> r) {
      DecisionLog.error(name() + ": rejected malformed message: " + r.problem(), null,
          fields(r.fields(), eventId));
    }
    return List.of();
  }

  private Object[] fields(Map<String, Object> decoded, String eventId) {
    List<Object> kv = new ArrayList<>();
    kv.add("function");
    kv.add(name());
    kv.add("eventId");
    kv.add(eventId);
    decoded.forEach((k, v) -> {
      if (!k.equals("eventId")) {
        kv.add(k);
        kv.add(v);
      }
    });
    return kv.toArray();
  }

  private void logHandled(String eventId, List<HandleResult> results, long started) {
    long ms = (System.nanoTime() - started) / 1_000_000;
    for (HandleResult r : results) {
      String line = name() + ": " + r.status().name().toLowerCase() + ": " + r.message();
      Object[] kv = {"function", name(), "eventId", eventId, "rolloutId", r.rolloutId(),
          "status", r.status().name(), "state", r.state() == null ? null : r.state().name(),
          "elapsedMs", ms};
      if (r.status() == HandleResult.Status.REJECTED) {
        DecisionLog.warn(line, kv);
      } else {
        DecisionLog.info(line, kv);
      }
    }
  }
}
