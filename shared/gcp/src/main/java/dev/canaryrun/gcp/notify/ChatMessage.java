package dev.canaryrun.gcp.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.canaryrun.report.RollbackReport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A lifecycle event from {@code canaryrun-events} as a chat message: the type, service,
 * rollout, state and the candidate's share, the controller's message (which carries the
 * verdict with its numbers and thresholds), the step and verdict details when the event has
 * them, a ROLLED_BACK event's report in a few lines, and a link to the rollout's document.
 *
 * <p>Slack and Google Chat webhooks take {@code {"text": ...}} with {@code *bold*} and
 * {@code <url|label>} links. A Microsoft Teams incoming webhook takes a MessageCard whose
 * text is Markdown ({@code **bold**}, {@code [label](url)}), where a single newline does not
 * break the line: lines are separated by a blank line there.
 */
public final class ChatMessage {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ChatMessage() {}

  /** The text for one event in the kind's markup; {@code projectId} for the console link. */
  public static String text(JsonNode event, String projectId, ChatTarget.Kind kind) {
    Markup m = Markup.of(kind);
    String type = event.path("type").asText("?");
    String rollout = event.path("rolloutId").asText("?");
    List<String> lines = new ArrayList<>();
    JsonNode details = event.path("details");
    // A rollback drill's events say so first: its ROLLING_BACK is no emergency.
    String drill = details.path("drill").asBoolean(false) ? "[rollback drill: no action needed] "
        : "";
    lines.add(drill + m.icon(type) + " " + m.bold(type) + " " + event.path("service").asText("?")
        + " — rollout " + rollout + ": " + event.path("state").asText("?")
        + ", candidate at " + event.path("candidatePercent").asInt() + "%");
    lines.add(event.path("message").asText(""));
    for (Iterator<Map.Entry<String, JsonNode>> it = details.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> d = it.next();
      if (d.getKey().equals("report") || d.getKey().equals("drillReport")) {
        continue; // a structure for subscribers; people get the lines below
      }
      String value = d.getValue().isValueNode() ? d.getValue().asText() : d.getValue().toString();
      lines.add("• " + d.getKey() + ": " + value);
    }
    JsonNode report = details.path("report");
    if (report.isObject()) {
      lines.add(m.bold("Rollback report"));
      lines.addAll(reportLines(report));
    }
    lines.add(m.link("https://console.cloud.google.com/firestore/databases/-default-/data/"
        + "panel/rollouts/" + rollout + "?project=" + projectId, "rollout " + rollout)
        + " · `canaryrun explain " + rollout + "`");
    return String.join(m.newline(), lines);
  }

  /**
   * The report's lines from its event fields ({@link RollbackReport#fields()}): the trigger
   * with its numbers, how long the candidate served at what highest share, its requests and
   * excess bad requests, and the trigger to 0% at Cloud Run.
   */
  static List<String> reportLines(JsonNode r) {
    List<String> out = new ArrayList<>();
    JsonNode t = r.path("trigger");
    out.add("• trigger: " + t.path("cause").asText("?").toLowerCase(Locale.ROOT) + " ("
        + t.path("actor").asText("?") + ", " + t.path("at").asText("?") + "): "
        + t.path("detail").asText(""));
    int max = r.path("maxPercent").asInt();
    String served = human(r.path("candidateServedMillis").asLong());
    out.add(max == 0 ? "• served: never served users"
        : "• served: " + served + ", at most " + max + "% of the traffic");
    out.add(r.hasNonNull("requests")
        ? String.format(Locale.ROOT, "• requests: %.0f served by the candidate as judged, %.0f "
            + "excess bad requests (5xx beyond the stable revision's rate)",
            r.path("requests").asDouble(), r.path("excessBadRequests").asDouble())
        : "• requests: unknown (no metric bucket judged)");
    out.add(!r.hasNonNull("triggerToZeroMillis") ? "• recovery: 0% not confirmed by Cloud Run yet"
        : max == 0 && r.path("triggerToZeroMillis").asLong() == 0
            ? "• recovery: nothing to take back"
            : "• recovery: trigger → 0% at Cloud Run in "
                + human(r.path("triggerToZeroMillis").asLong()));
    return out;
  }

  /** The webhook's request body for one event. */
  public static byte[] body(ChatTarget.Kind kind, JsonNode event, String projectId) {
    String text = text(event, projectId, kind);
    ObjectNode body = JSON.createObjectNode();
    switch (kind) {
      case SLACK, GOOGLE_CHAT -> body.put("text", text);
      case TEAMS -> {
        // Office 365 connector card: the format Teams incoming webhooks accept as-is.
        String type = event.path("type").asText("?");
        body.put("@type", "MessageCard")
            .put("@context", "https://schema.org/extensions")
            .put("summary", type + " " + event.path("service").asText("?") + " — rollout "
                + event.path("rolloutId").asText("?"))
            .put("themeColor", color(type))
            .put("text", text);
      }
    }
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String human(long millis) {
    return RollbackReport.human(Duration.ofMillis(millis));
  }

  private static String color(String type) {
    return switch (type) {
      case "ROLLED_BACK", "ROLLING_BACK", "FAILED" -> "D13438";
      case "PROMOTED" -> "107C10";
      case "PAUSED", "STABLE_ALERT", "COMMAND_REJECTED" -> "FFB900";
      default -> "0078D4";
    };
  }

  /** How each chat kind writes bold, links, icons and line breaks. */
  private record Markup(boolean markdown) {
    static Markup of(ChatTarget.Kind kind) {
      return new Markup(kind == ChatTarget.Kind.TEAMS);
    }

    String bold(String s) {
      return markdown ? "**" + s + "**" : "*" + s + "*";
    }

    String link(String url, String label) {
      return markdown ? "[" + label + "](" + url + ")" : "<" + url + "|" + label + ">";
    }

    String newline() {
      return markdown ? "\n\n" : "\n";
    }

    String icon(String type) {
      // Slack and Google Chat render the :shortcodes:; Teams needs the characters.
      return switch (type) {
        case "ROLLED_BACK", "ROLLING_BACK", "FAILED" -> markdown ? "🚨" : ":rotating_light:";
        case "PROMOTED" -> markdown ? "✅" : ":white_check_mark:";
        case "PAUSED", "STABLE_ALERT", "COMMAND_REJECTED" -> markdown ? "⚠️" : ":warning:";
        default -> markdown ? "▶️" : ":arrow_forward:";
      };
    }
  }
}
