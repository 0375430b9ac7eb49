package dev.canaryrun.gcp.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.canaryrun.gcp.notify.ChatTarget.Kind;
import dev.canaryrun.report.RollbackReport;
import dev.canaryrun.report.RollbackReport.Cause;
import dev.canaryrun.report.RollbackReport.Share;
import dev.canaryrun.report.RollbackReport.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What each chat kind receives for a ROLLED_BACK event carrying its report: the same facts,
 * in Slack / Google Chat markup or as a Teams MessageCard in Markdown.
 */
class ChatMessageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T = Instant.parse("2026-11-26T14:03:07Z");

  /** A ROLLED_BACK event as PubSubEventPublisher writes it, the report in details.report. */
  private static JsonNode rolledBack() {
    RollbackReport report = new RollbackReport("checkout-9f3c2b1a", "checkout",
        "img@sha256:00", "checkout-9f3c2b1a", "checkout-00041-abc", T.minusSeconds(400),
        new Trigger(T, Cause.JUDGE, "canaryrun", "FAIL: canary 5xx 60/2000 (3.00%) vs stable "
            + "18/5400 (0.33%): e-value 2126 (roll back at 100)"),
        List.of(new Share(T.minusSeconds(380), 5, Duration.ofMinutes(5)),
            new Share(T.minusSeconds(80), 20, Duration.ofMillis(81_500))),
        Duration.ofMillis(381_500), 2000.0, 53.3, Duration.ofMillis(1500));
    ObjectNode event = JSON.createObjectNode().put("type", "ROLLED_BACK")
        .put("rolloutId", "checkout-9f3c2b1a").put("service", "checkout")
        .put("state", "ROLLED_BACK").put("candidatePercent", 0)
        .put("message", "rolled back: checkout-00041-abc serves 100%");
    ObjectNode details = event.putObject("details");
    details.put("candidateRevision", "checkout-9f3c2b1a");
    details.set("report", JSON.valueToTree(report.fields()));
    return event;
  }

  private static final List<String> FACTS = List.of(
      "checkout — rollout checkout-9f3c2b1a: ROLLED_BACK, candidate at 0%",
      "trigger: judge (canaryrun, 2026-11-26T14:03:07Z): FAIL: canary 5xx 60/2000 (3.00%)",
      "served: 6 min 21 s, at most 20% of the traffic",
      "requests: 2000 served by the candidate as judged, 53 excess bad requests",
      "recovery: trigger → 0% at Cloud Run in 1.50 s",
      "candidateRevision: checkout-9f3c2b1a",
      "`canaryrun explain checkout-9f3c2b1a`");

  @Test
  void slackAndGoogleChatGetTextWithTheReportLines() throws Exception {
    for (Kind kind : List.of(Kind.SLACK, Kind.GOOGLE_CHAT)) {
      JsonNode body = JSON.readTree(ChatMessage.body(kind, rolledBack(), "shop-prod"));
      assertEquals(List.of("text"), fieldNames(body), kind + " takes {\"text\"} only");
      String text = body.path("text").asText();
      for (String fact : FACTS) {
        assertTrue(text.contains(fact), () -> kind + ": missing '" + fact + "' in " + text);
      }
      assertTrue(text.contains(":rotating_light: *ROLLED_BACK* checkout"), text);
      assertTrue(text.contains("\n*Rollback report*\n• trigger:"), text);
      assertTrue(text.contains("rollouts/checkout-9f3c2b1a?project=shop-prod|rollout "
          + "checkout-9f3c2b1a>"), text);
      assertFalse(text.contains("\"trigger\""), "the report's JSON is not dumped: " + text);
    }
  }

  @Test
  void teamsGetsAMessageCardInMarkdownWithTheSameFacts() throws Exception {
    JsonNode card = JSON.readTree(ChatMessage.body(Kind.TEAMS, rolledBack(), "shop-prod"));
    assertEquals("MessageCard", card.path("@type").asText());
    assertEquals("https://schema.org/extensions", card.path("@context").asText());
    assertEquals("ROLLED_BACK checkout — rollout checkout-9f3c2b1a",
        card.path("summary").asText());
    assertEquals("D13438", card.path("themeColor").asText());
    String text = card.path("text").asText();
    for (String fact : FACTS) {
      assertTrue(text.contains(fact), () -> "missing '" + fact + "' in " + text);
    }
    assertTrue(text.startsWith("🚨 **ROLLED_BACK** checkout"), text);
    assertTrue(text.contains("\n\n**Rollback report**\n\n• trigger:"),
        "lines are paragraphs: Teams joins single newlines: " + text);
    assertTrue(text.contains("[rollout checkout-9f3c2b1a](https://console.cloud.google.com/"
        + "firestore/databases/-default-/data/panel/rollouts/checkout-9f3c2b1a?project="
        + "shop-prod)"), text);
    assertFalse(text.contains("<https://"), "no Slack links in Teams: " + text);
  }

  @Test
  void anEventWithoutAReportHasNoReportSection() {
    ObjectNode event = (ObjectNode) rolledBack();
    ((ObjectNode) event.path("details")).remove("report");
    event.put("type", "STEP_ADVANCED");
    for (Kind kind : Kind.values()) {
      String text = ChatMessage.text(event, "p", kind);
      assertFalse(text.contains("Rollback report"), text);
      assertTrue(text.contains("candidateRevision: checkout-9f3c2b1a"), text);
    }
  }

  @Test
  void aRollbackBeforeAnyTrafficAndAnUnconfirmedOneSaySo() {
    RollbackReport early = new RollbackReport("r", "s", "i", "c", null, null,
        new Trigger(T, Cause.OPERATOR, "alice@example.com", "bad build"), List.of(),
        Duration.ZERO, null, null, Duration.ZERO);
    List<String> lines = ChatMessage.reportLines(JSON.valueToTree(early.fields()));
    assertEquals(List.of("• trigger: operator (alice@example.com, 2026-11-26T14:03:07Z): bad build",
        "• served: never served users", "• requests: unknown (no metric bucket judged)",
        "• recovery: nothing to take back"), lines);
    RollbackReport pending = new RollbackReport("r", "s", "i", "c", null, null,
        new Trigger(T, Cause.ALERT, "cloud-monitoring", "incident"),
        List.of(new Share(T.minusSeconds(60), 5, Duration.ofSeconds(60))),
        Duration.ofSeconds(60), null, null, null);
    assertTrue(ChatMessage.reportLines(JSON.valueToTree(pending.fields()))
        .contains("• recovery: 0% not confirmed by Cloud Run yet"));
  }

  @Test
  void teamsIsAChatKindOfTheEnvironment() {
    List<ChatTarget> targets = ChatTargets.fromEnvironment(Map.of(ChatTargets.TARGETS_ENV,
        "[{\"name\":\"sre-room\",\"kind\":\"teams\",\"events\":[\"ROLLED_BACK\"]}]",
        ChatTargets.urlVariable("sre-room"), "https://example.webhook.office.com/webhookb2/x"));
    assertEquals(Kind.TEAMS, targets.get(0).kind());
    assertEquals("CANARYRUN_CHAT_URL_SRE_ROOM", ChatTargets.urlVariable("sre-room"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Kind.parse("discord"));
    assertTrue(e.getMessage().contains("slack, google_chat or teams"), e.getMessage());
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new java.util.ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void aDrillsEventsSayTheyNeedNoActionAndLeaveTheReportStructureOut() {
    ObjectNode event = JSON.createObjectNode().put("type", "ROLLING_BACK")
        .put("rolloutId", "checkout-drill-1a2b3c4").put("service", "checkout")
        .put("state", "ROLLING_BACK").put("candidatePercent", 0)
        .put("message", "rollback drill: drill incident on the candidate");
    ObjectNode details = event.putObject("details");
    details.put("drill", true);
    details.putObject("drillReport").put("outcome", "PASSED");
    String text = ChatMessage.text(event, "shop-prod", Kind.SLACK);
    assertTrue(text.startsWith("[rollback drill: no action needed] "), text);
    assertFalse(text.contains("drillReport"), text);
    String real = ChatMessage.text(rolledBack(), "shop-prod", Kind.SLACK);
    assertFalse(real.contains("rollback drill"), real);
  }
}
