package dev.canaryrun.gcp.decode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canaryrun.service.TickRequest;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Decodes a tick: {@code {}} (or no data at all, as a Scheduler job without a body sends)
 * judges every active rollout; {@code {"rolloutId": "...", "expectedStep": 0}} targets one
 * rollout and is stale unless it is still at that step (a 0-based index into the policy's
 * steps, as the controller's follow-up ticks carry it).
 */
public final class TickDecoder {
  public static final int MAX_BYTES = 4 * 1024;
  private static final Set<String> FIELDS = Set.of("rolloutId", "expectedStep");

  public Decoded<TickRequest> decode(PubSubMessage m, String eventId) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("eventId", eventId);
    return Decoded.guarded(fields, () -> Decoded.accepted(decode(m, eventId, fields)));
  }

  private static TickRequest decode(PubSubMessage m, String eventId, Map<String, Object> fields) {
    if (m.data().length > MAX_BYTES) {
      throw new MalformedEventException("tick is " + m.data().length
          + " bytes, over the limit of " + MAX_BYTES);
    }
    if (m.text().isBlank()) {
      return TickRequest.all(eventId, m.publishTime());
    }
    JsonNode root = Json.parse(m.data(), "tick");
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new MalformedEventException("tick has unknown field \"" + Json.abbreviate(f)
            + "\" (allowed: rolloutId, expectedStep)");
      }
    }
    JsonNode id = root.get("rolloutId");
    JsonNode step = root.get("expectedStep");
    if (id == null && step == null) {
      return TickRequest.all(eventId, m.publishTime());
    }
    if (id == null || !id.isTextual() || !CommandDecoder.ROLLOUT_ID.matcher(id.asText()).matches()) {
      throw new MalformedEventException("tick rolloutId must be a rollout id string"
          + (id == null ? " (expectedStep needs a rolloutId)" : ", got " + id));
    }
    fields.put("rolloutId", id.asText());
    Integer expected = null;
    if (step != null && !step.isNull()) {
      if (!step.isIntegralNumber() || step.asLong() < 0 || step.asLong() > 1000) {
        throw new MalformedEventException("tick expectedStep must be a step index >= 0, got "
            + step);
      }
      expected = step.asInt();
    }
    return new TickRequest(eventId, m.publishTime(), id.asText(), expected);
  }
}
