package dev.canaryrun.gcp.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * A lifecycle event from {@code canaryrun-events} as a chat message: the type, service,
 * rollout, state and the candidate's share, the controller's message (which carries the
 * verdict with its numbers and thresholds), the step and verdict details when the event has
 * them, and a link to the rollout's document. Slack and Google Chat webhooks both take
 * {@code {"text": ...}} with {@code *bold*} and {@code <url|label>} links.
 */
public final class ChatMessage {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ChatMessage() {}

  /** The text for one event; {@code projectId} for the console link. */
  public static String text(JsonNode event, String projectId) {
    String type = event.path("type").asText("?");
    String rollout = event.path("rolloutId").asText("?");
    StringBuilder b = new StringBuilder()
        .append(icon(type)).append(" *").append(type).append("* ")
        .append(event.path("service").asText("?")).append(" — rollout ").append(rollout)
        .append(": ").append(event.path("state").asText("?")).append(", candidate at ")
        .append(event.path("candidatePercent").asInt()).append("%\n")
        .append(event.path("message").asText(""));
    JsonNode details = event.path("details");
    for (Iterator<Map.Entry<String, JsonNode>> it = details.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> d = it.next();
      String value = d.getValue().isValueNode() ? d.getValue().asText() : d.getValue().toString();
      b.append("\n• ").append(d.getKey()).append(": ").append(value);
    }
    b.append("\n<https://console.cloud.google.com/firestore/databases/-default-/data/panel/"
        + "rollouts/").append(rollout).append("?project=").append(projectId)
        .append("|rollout ").append(rollout).append("> · `canaryrun explain ").append(rollout)
        .append('`');
    return b.toString();
  }

  /** The webhook's request body. */
  public static byte[] body(ChatTarget.Kind kind, String text) {
    // Both accept {"text"}; kept per kind so a richer card for one does not change the other.
    return switch (kind) {
      case SLACK, GOOGLE_CHAT -> JSON.createObjectNode().put("text", text).toString()
          .getBytes(StandardCharsets.UTF_8);
    };
  }

  private static String icon(String type) {
    return switch (type) {
      case "ROLLED_BACK", "ROLLING_BACK", "FAILED" -> ":rotating_light:";
      case "PROMOTED" -> ":white_check_mark:";
      case "PAUSED", "STABLE_ALERT", "COMMAND_REJECTED" -> ":warning:";
      default -> ":arrow_forward:";
    };
  }
}
