package dev.canaryrun.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.canaryrun.gcp.notify.ChatTargets;
import dev.canaryrun.gcp.notify.WebhookSender;
import dev.canaryrun.local.publish.MessagePublished;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chat notifier against a local webhook server: what the message says (Slack, Google
 * Chat, and a Teams MessageCard with the rollback report), a retry on 503,
 * one request only on 400, filters by type and service, and an event acked (never thrown)
 * when the webhook is dead or hangs.
 */
class OnLifecycleEventTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private HttpServer server;
  private java.util.concurrent.ExecutorService threads;
  /** Per path, the statuses to answer in order (then 200). */
  private final Map<String, Deque<Integer>> script = new ConcurrentHashMap<>();
  private final List<String[]> received = new CopyOnWriteArrayList<>();
  private final List<Duration> slept = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/", x -> {
      String path = x.getRequestURI().getPath();
      received.add(new String[] {path, new String(x.getRequestBody().readAllBytes(),
          StandardCharsets.UTF_8)});
      if (path.equals("/hang")) {
        try {
          Thread.sleep(3000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      Deque<Integer> s = script.get(path);
      Integer status = s == null || s.isEmpty() ? 200 : s.poll();
      byte[] body = (status == 200 ? "ok" : "error " + status).getBytes(StandardCharsets.UTF_8);
      x.sendResponseHeaders(status, body.length);
      x.getResponseBody().write(body);
      x.close();
    });
    // One thread per request: a hanging request must not queue the retries behind it.
    threads = java.util.concurrent.Executors.newFixedThreadPool(8);
    server.setExecutor(threads);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    threads.shutdownNow();
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private OnLifecycleEvent notifier(String targetsJson, Map<String, String> urls) {
    Map<String, String> env = new HashMap<>(urls);
    env.put(ChatTargets.TARGETS_ENV, targetsJson);
    env.put(Env.PROJECT, "shop-prod");
    return new OnLifecycleEvent(env, new WebhookSender(HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(1)).build(), slept::add, 3, Duration.ofMillis(10),
        Duration.ofMillis(500)));
  }

  /** A lifecycle event with the fields PubSubEventPublisher writes. */
  private static CloudEvent event(String type, String service) {
    String body = "{\"type\":\"" + type + "\",\"rolloutId\":\"" + service + "-9f3c2b1a\","
        + "\"service\":\"" + service + "\",\"state\":\"ROLLING_BACK\",\"candidatePercent\":0,"
        + "\"message\":\"the judge failed the canary: canary 5xx 12/59 (20.3%) vs stable "
        + "18/541 (3.33%): e-value for 'canary has more 5xx' 2126 (roll back at 100)\","
        + "\"details\":{\"step\":2,\"verdict\":\"FAIL\"},\"at\":\"2026-11-26T14:03:07Z\"}";
    return MessagePublished.event("shop-prod", "canaryrun-events", "canaryrun-events-chat",
        body.getBytes(StandardCharsets.UTF_8), Map.of("type", type, "service", service),
        "81", Instant.parse("2026-11-26T14:03:07.100Z"));
  }

  @Test
  void theMessageNamesServiceRolloutStepVerdictAndItsNumbersWithALink() throws Exception {
    notifier("[{\"name\":\"oncall\",\"kind\":\"slack\"},{\"name\":\"room\",\"kind\":"
        + "\"google_chat\"}]", Map.of(ChatTargets.urlVariable("oncall"), url("/slack"),
        ChatTargets.urlVariable("room"), url("/chat"))).accept(event("ROLLING_BACK", "checkout"));
    assertEquals(2, received.size());
    for (String[] r : received) {
      JsonNode body = JSON.readTree(r[1]);
      String text = body.path("text").asText();
      for (String expected : List.of("*ROLLING_BACK* checkout", "rollout checkout-9f3c2b1a",
          "candidate at 0%", "canary 5xx 12/59 (20.3%) vs stable 18/541 (3.33%)",
          "roll back at 100", "step: 2", "verdict: FAIL",
          "rollouts/checkout-9f3c2b1a?project=shop-prod|rollout checkout-9f3c2b1a>")) {
        assertTrue(text.contains(expected), () -> "missing '" + expected + "' in " + text);
      }
    }
  }

  @Test
  void aTeamsTargetGetsAMessageCardWithTheRollbackReport() throws Exception {
    String report = "{\"rolloutId\":\"checkout-9f3c2b1a\",\"trigger\":{\"at\":"
        + "\"2026-11-26T14:03:05.500Z\",\"cause\":\"JUDGE\",\"actor\":\"canaryrun\","
        + "\"detail\":\"FAIL: canary 5xx 12/59 (20.3%) vs stable 18/541 (3.33%)\"},"
        + "\"shares\":[{\"from\":\"2026-11-26T13:58:05Z\",\"percent\":5,\"lastedMillis\":"
        + "301500}],\"maxPercent\":5,\"candidateServedMillis\":301500,\"requests\":59.0,"
        + "\"excessBadRequests\":10.03,\"triggerToZeroMillis\":1500}";
    String body = "{\"type\":\"ROLLED_BACK\",\"rolloutId\":\"checkout-9f3c2b1a\","
        + "\"service\":\"checkout\",\"state\":\"ROLLED_BACK\",\"candidatePercent\":0,"
        + "\"message\":\"rolled back: checkout-00041-abc serves 100%\",\"details\":"
        + "{\"state\":\"ROLLED_BACK\",\"report\":" + report + "},\"at\":"
        + "\"2026-11-26T14:03:07Z\"}";
    notifier("[{\"name\":\"sre\",\"kind\":\"teams\",\"events\":[\"ROLLED_BACK\"]}]",
        Map.of(ChatTargets.urlVariable("sre"), url("/webhookb2/sre")))
        .accept(MessagePublished.event("shop-prod", "canaryrun-events", "canaryrun-events-chat",
            body.getBytes(StandardCharsets.UTF_8), Map.of("type", "ROLLED_BACK"), "82",
            Instant.parse("2026-11-26T14:03:07.100Z")));
    assertEquals(1, received.size());
    assertEquals("/webhookb2/sre", received.get(0)[0]);
    JsonNode card = JSON.readTree(received.get(0)[1]);
    assertEquals("MessageCard", card.path("@type").asText());
    assertEquals("https://schema.org/extensions", card.path("@context").asText());
    assertEquals("ROLLED_BACK checkout — rollout checkout-9f3c2b1a", card.path("summary").asText());
    String text = card.path("text").asText();
    for (String expected : List.of("**ROLLED_BACK** checkout", "**Rollback report**",
        "trigger: judge (canaryrun, 2026-11-26T14:03:05.500Z): FAIL: canary 5xx 12/59 (20.3%)",
        "served: 5 min 1 s, at most 5% of the traffic",
        "requests: 59 served by the candidate as judged, 10 excess bad requests",
        "recovery: trigger → 0% at Cloud Run in 1.50 s",
        "[rollout checkout-9f3c2b1a](https://console.cloud.google.com/")) {
      assertTrue(text.contains(expected), () -> "missing '" + expected + "' in " + text);
    }
  }

  @Test
  void a503IsRetriedWithBackoffUntilItIsDelivered() {
    script.put("/flaky", new ArrayDeque<>(List.of(503, 503)));
    notifier("[{\"name\":\"oncall\",\"kind\":\"slack\"}]",
        Map.of(ChatTargets.urlVariable("oncall"), url("/flaky")))
        .accept(event("ROLLED_BACK", "checkout"));
    assertEquals(3, received.size());
    assertEquals(List.of(Duration.ofMillis(10), Duration.ofMillis(20)), slept);
  }

  @Test
  void a400IsNotRetried() {
    script.put("/revoked", new ArrayDeque<>(List.of(400, 400, 400)));
    OnLifecycleEvent n = notifier("[{\"name\":\"oncall\",\"kind\":\"slack\"}]",
        Map.of(ChatTargets.urlVariable("oncall"), url("/revoked")));
    for (int i = 0; i < 5; i++) {
      n.accept(event("ROLLED_BACK", "checkout"));
    }
    assertEquals(5, received.size(), "one request per event, no retry storm");
    assertEquals(List.of(), slept);
  }

  @Test
  void targetsGetOnlyTheTypesAndServicesTheyAskFor() {
    OnLifecycleEvent n = notifier("[{\"name\":\"rollbacks\",\"kind\":\"slack\",\"events\":"
        + "[\"ROLLED_BACK\"]},{\"name\":\"cart\",\"kind\":\"google_chat\",\"service\":\"cart\"}]",
        Map.of(ChatTargets.urlVariable("rollbacks"), url("/rollbacks"),
            ChatTargets.urlVariable("cart"), url("/cart")));
    n.accept(event("STEP_ADVANCED", "checkout"));
    assertEquals(0, received.size());
    n.accept(event("ROLLED_BACK", "checkout"));
    n.accept(event("STEP_ADVANCED", "cart"));
    List<String> paths = new ArrayList<>();
    received.forEach(r -> paths.add(r[0]));
    assertEquals(List.of("/rollbacks", "/cart"), paths);
  }

  @Test
  void aDeadOrHangingWebhookIsAckedAfterBoundedAttemptsNeverThrown() throws Exception {
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort(); // closed again: connection refused
    }
    OnLifecycleEvent n = notifier("[{\"name\":\"dead\",\"kind\":\"slack\"},{\"name\":\"hang\","
        + "\"kind\":\"slack\"}]", Map.of(ChatTargets.urlVariable("dead"),
        "http://127.0.0.1:" + dead + "/", ChatTargets.urlVariable("hang"), url("/hang")));
    long t0 = System.nanoTime();
    n.accept(event("ROLLED_BACK", "checkout")); // returns: the event is acked
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertEquals(3, received.stream().filter(r -> r[0].equals("/hang")).count());
    assertEquals(4, slept.size(), "two backoffs per target");
    assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, took::toString);
  }

  @Test
  void aTargetWithoutItsSecretURLIsAConfigurationErrorNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> notifier(
        "[{\"name\":\"oncall\",\"kind\":\"slack\"},{\"name\":\"x\",\"kind\":\"discord\"}]",
        Map.of(ChatTargets.urlVariable("x"), url("/x"))));
    assertTrue(e.getMessage().contains("oncall: no webhook URL in CANARYRUN_CHAT_URL_ONCALL"),
        e.getMessage());
    assertTrue(e.getMessage().contains("unknown chat kind 'discord'"), e.getMessage());
  }
}
