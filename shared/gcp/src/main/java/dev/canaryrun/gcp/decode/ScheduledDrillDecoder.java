package dev.canaryrun.gcp.decode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canaryrun.service.DrillRequest;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Decodes the weekly drill message the Terraform module's Cloud Scheduler job publishes on
 * canaryrun-ticks: {@code {"drill": {"service": "checkout", "windowMinutes": 120}}}. It rides
 * the ticks topic because a scheduler job cannot carry an operator's ID token, and the ticks
 * topic is already the scheduler's (only it and the functions may publish there). The
 * drill then takes the operator's drill path in the engine. A message delivered after its
 * window ({@code windowMinutes} after publishing) starts no drill.
 */
public final class ScheduledDrillDecoder {
  public static final String ACTOR = "cloud-scheduler";
  private static final Set<String> FIELDS = Set.of("service", "windowMinutes");

  /** Whether the tick message is a scheduled drill rather than a tick. */
  public static boolean isDrill(PubSubMessage m) {
    if (m.data().length == 0 || m.data().length > TickDecoder.MAX_BYTES) {
      return false;
    }
    try {
      return Json.parse(m.data(), "tick").has("drill");
    } catch (MalformedEventException e) {
      return false; // the tick decoder names the problem
    }
  }

  public Decoded<DrillRequest> decode(PubSubMessage m, String eventId) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("eventId", eventId);
    return Decoded.guarded(fields, () -> Decoded.accepted(decode(m, eventId, fields)));
  }

  private static DrillRequest decode(PubSubMessage m, String eventId, Map<String, Object> fields) {
    JsonNode root = Json.parse(m.data(), "scheduled drill");
    if (root.size() != 1) {
      throw new MalformedEventException("a scheduled drill message has one field, \"drill\"");
    }
    JsonNode drill = root.get("drill");
    if (drill == null || !drill.isObject()) {
      throw new MalformedEventException("\"drill\" must be an object {service, windowMinutes}");
    }
    for (Iterator<String> it = drill.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new MalformedEventException("drill has unknown field \"" + Json.abbreviate(f)
            + "\" (allowed: service, windowMinutes)");
      }
    }
    JsonNode service = drill.get("service");
    if (service == null || !service.isTextual()
        || !CommandDecoder.SERVICE.matcher(service.asText()).matches()) {
      throw new MalformedEventException("drill.service must be a Cloud Run service name");
    }
    fields.put("service", service.asText());
    JsonNode window = drill.get("windowMinutes");
    if (window == null || !window.isIntegralNumber() || window.asLong() < 1
        || window.asLong() > 24 * 60) {
      throw new MalformedEventException("drill.windowMinutes must be 1..1440 minutes");
    }
    return new DrillRequest(eventId, m.publishTime(), service.asText(), null, ACTOR,
        "scheduled weekly rollback drill (window " + window.asLong() + " min)", m.publishTime()
            .plus(Duration.ofMinutes(window.asLong())));
  }
}
