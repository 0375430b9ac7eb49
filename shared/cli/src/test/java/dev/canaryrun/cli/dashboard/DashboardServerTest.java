package dev.canaryrun.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.canaryrun.cli.ops.CommandIssuer;
import dev.canaryrun.cli.ops.OperatorBackend;
import dev.canaryrun.cli.ops.OperatorConfig;
import dev.canaryrun.fixtures.emulator.EmulatorEnvironment;
import dev.canaryrun.fixtures.emulator.WithEmulators;
import dev.canaryrun.gcp.store.FirestoreClients;
import dev.canaryrun.gcp.store.FirestoreRolloutStore;
import dev.canaryrun.policy.PolicyJson;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.rollout.ReleaseSlot;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import dev.canaryrun.rollout.RolloutMachine;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard's server without a browser, on the Firestore emulator: what it refuses
 * (another Host, a command without the page's token or without a reason, a path out of its
 * folders) and the live stream fed by a real Firestore listener.
 */
@WithEmulators
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DashboardServerTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private OperatorBackend backend;
  private DashboardServer server;
  private URI base;

  @BeforeEach
  void start(EmulatorEnvironment env) throws Exception {
    backend = new OperatorBackend(new OperatorConfig(env.projectId(), null, null,
        env.firestoreHost(), env.pubsubHost(), null, null), Clock.systemUTC());
    server = DashboardServer.start(backend, new CommandIssuer(backend, Map.of(),
        Clock.systemUTC()), Clock.systemUTC(), 0);
    base = server.uri();
  }

  @AfterEach
  void stop() {
    server.close();
    backend.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(base.resolve(path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header(DashboardServer.TOKEN_HEADER, token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String token() throws Exception {
    Matcher m = Pattern.compile("name=\"canaryrun-token\" content=\"([0-9a-f]{32})\"")
        .matcher(get("/").body());
    assertTrue(m.find(), "the page carries its token");
    return m.group(1);
  }

  @Test
  void itListensOnLoopbackOnlyAndRefusesAnotherHost() throws Exception {
    assertEquals("127.0.0.1", base.getHost());
    try (Socket s = new Socket("127.0.0.1", base.getPort())) {
      OutputStream out = s.getOutputStream();
      out.write(("GET /api/services HTTP/1.1\r\nHost: attacker.example:" + base.getPort()
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status = new BufferedReader(new InputStreamReader(s.getInputStream(),
          StandardCharsets.US_ASCII)).readLine();
      assertEquals("HTTP/1.1 403 Forbidden", status, "a DNS-rebinding page is refused");
    }
    assertEquals(200, get("/api/services").statusCode());
  }

  @Test
  void aCommandNeedsThePagesTokenAReasonAndAKnownRollout() throws Exception {
    String path = "/api/rollouts/checkout-1234/commands";
    HttpResponse<String> forged = post(path, null, "{\"command\":\"pause\",\"reason\":\"x\"}");
    assertEquals(403, forged.statusCode());
    assertTrue(forged.body().contains(DashboardServer.TOKEN_HEADER), forged::body);
    assertEquals(403, post(path, "0".repeat(32), "{\"command\":\"pause\",\"reason\":\"x\"}")
        .statusCode(), "a guessed token");

    String token = token();
    record Case(String body, int status, String says) {}
    for (Case c : List.of(
        new Case("{\"command\":\"pause\",\"reason\":\"  \"}", 400, "a reason is required"),
        new Case("{\"command\":\"pause\"}", 400, "a reason is required"),
        new Case("{\"command\":\"explode\",\"reason\":\"x\"}", 400, "unknown command 'explode'"),
        new Case("pause please", 400, "not JSON"),
        new Case("[1]", 400, "a JSON object"),
        new Case("{\"command\":\"pause\",\"reason\":\"" + "x".repeat(17_000) + "\"}", 413,
            "larger than"),
        new Case("{\"command\":\"pause\",\"reason\":\"why\"}", 404,
            "no rollout 'checkout-1234'"))) {
      HttpResponse<String> r = post(path, token, c.body());
      assertEquals(c.status(), r.statusCode(), () -> c.body().substring(0,
          Math.min(60, c.body().length())) + " -> " + r.body());
      assertTrue(r.body().contains(c.says()), () -> c.says() + " in " + r.body());
    }
  }

  @Test
  void itServesItsOwnFilesAndUplotButNothingElse() throws Exception {
    HttpResponse<String> uplot = get("/assets/uplot/uPlot.iife.min.js");
    assertEquals(200, uplot.statusCode());
    assertTrue(uplot.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
    assertTrue(uplot.body().contains("uPlot"));
    assertEquals(200, get("/assets/rollout.js").statusCode());
    for (String path : List.of("/assets/../../pom.xml", "/assets/%2e%2e/secret",
        "/assets/dashboard/../../x", "/assets/nosuch.js", "/etc/passwd")) {
      assertEquals(404, get(path).statusCode(), path);
    }
    HttpResponse<String> missing = get("/api/rollouts/nosuch-1");
    assertEquals(404, missing.statusCode());
    assertTrue(missing.body().contains("no rollout 'nosuch-1'"), missing::body);
  }

  @Test
  void aChangedRolloutIsPushedToTheLiveStream(EmulatorEnvironment env) throws Exception {
    HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(
        base.resolve("/api/events")).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertTrue(stream.headers().firstValue("Content-Type").orElse("")
        .startsWith("text/event-stream"));
    BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(),
        StandardCharsets.UTF_8));
    assertEquals("retry: 2000", lines.readLine());
    assertEquals("event: hello", lines.readLine());
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (server.liveClients() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }

    Rollout r = new RolloutMachine().start(new BuildSucceeded("b", Instant.now(), "checkout",
        "europe-west1", "europe-docker.pkg.dev/p/r/checkout@sha256:" + "a".repeat(64),
        "build-sse", null, null, null), RolloutPolicy.defaults(), Instant.now()).next();
    var db = FirestoreClients.create(env.projectId(), null, env.firestoreHost());
    try {
      new FirestoreRolloutStore(db, Clock.systemUTC()).save(r, 0, "e1", List.of());
    } finally {
      db.close();
    }
    CompletableFuture<String> event = CompletableFuture.supplyAsync(() -> {
      try {
        for (String line; (line = lines.readLine()) != null; ) {
          if (line.startsWith("data: ") && line.contains(r.id())) {
            return line;
          }
        }
        return null;
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    String data = event.get(20, TimeUnit.SECONDS);
    assertTrue(data.contains("\"state\":\"DEPLOYING\""), data);
    assertTrue(data.contains("\"version\":1"), data);
  }
  @Test
  void aReleaseAcrossRegionsShowsEachRegionInFlightWithItsWave(EmulatorEnvironment env)
      throws Exception {
    RolloutPolicy policy = PolicyJson.parse("""
        {"regions": ["europe-west1", "us-central1", "asia-east1"]}
        """);
    var db = FirestoreClients.create(env.projectId(), null, env.firestoreHost());
    try {
      FirestoreRolloutStore store = new FirestoreRolloutStore(db, Clock.systemUTC());
      String[][] regions = {{"europe-west1", "0"}, {"us-central1", "1"}};
      for (String[] region : regions) {
        Rollout r = new RolloutMachine().start(new BuildSucceeded("b-" + region[0],
            Instant.now(), "storefront", region[0], "europe-docker.pkg.dev/p/r/storefront@sha256:"
                + "b".repeat(64), "build-waves", null, null, null), policy,
            new ReleaseSlot("storefront-buildwav", Integer.parseInt(region[1]), false),
            Instant.now()).next();
        store.save(r, 0, "e-" + region[0], List.of());
      }
    } finally {
      db.close();
    }
    String body = get("/api/services").body();
    JsonNode storefront = null;
    for (JsonNode s : new ObjectMapper().readTree(body).path("services")) {
      if (s.path("service").asText().equals("storefront")) {
        storefront = s;
      }
    }
    assertTrue(storefront != null, body);
    JsonNode inFlight = storefront.path("inFlight");
    assertEquals(2, inFlight.size(), "one rollout in flight per region: " + storefront);
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (JsonNode r : inFlight) {
      seen.add(r.path("region").asText() + " wave " + r.path("wave").asInt() + "/"
          + r.path("waves").asInt());
      assertEquals("storefront-buildwav", r.path("releaseId").asText());
    }
    assertEquals(java.util.Set.of("europe-west1 wave 1/2", "us-central1 wave 2/2"), seen);
  }
}
