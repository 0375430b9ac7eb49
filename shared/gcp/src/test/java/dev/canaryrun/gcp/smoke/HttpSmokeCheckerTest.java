package dev.canaryrun.gcp.smoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.canaryrun.policy.SmokeCheckSettings;
import dev.canaryrun.port.InvocationDeadline;
import dev.canaryrun.port.SmokeChecker.Result;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.rollout.Effect.SmokeCheck;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The smoke checker against a local com.sun.net.httpserver, with a recording sleeper. */
class HttpSmokeCheckerTest {

  /** What the fake candidate does with the n-th request (1-based). */
  interface Script {
    void answer(int n, HttpExchange exchange) throws IOException;
  }

  HttpServer server;
  volatile Script script;
  final AtomicInteger hits = new AtomicInteger();
  final List<String> paths = new CopyOnWriteArrayList<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  final List<Duration> sleeps = new ArrayList<>();
  HttpSmokeChecker checker;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", exchange -> {
      paths.add(exchange.getRequestURI().getPath());
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      authorizations.add(auth == null ? "" : auth);
      try {
        script.answer(hits.incrementAndGet(), exchange);
      } finally {
        exchange.close();
      }
    });
    server.start();
    checker = new HttpSmokeChecker(HttpClient.newHttpClient(), Optional.empty(), sleeps::add,
        Duration.ofMillis(100));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void passesOnTheExpectedStatus() {
    script = (n, x) -> respond(x, 200, "ok");
    Result r = checker.check(smoke("/healthz", 200, 3, Duration.ofSeconds(2)));

    assertTrue(r.passed(), r.detail());
    assertEquals(List.of("/healthz"), paths);
    assertTrue(r.detail().contains("GET " + url() + "/healthz"), r.detail());
    assertTrue(r.detail().contains("attempt 1/3: 200 'ok'"), r.detail());
    assertEquals(List.of(), sleeps);
  }

  @Test
  void anAttemptThatCannotFinishBeforeTheInvocationsDeadlineIsNotMadeNorCountedAsAFailure() {
    script = (n, x) -> respond(x, 503, "warming up");
    // On a clock that stands still: 2150 ms left holds attempt 1 (2 s) and attempt 2 (0.1 s
    // pause + 2 s), not attempt 3 (0.2 s pause + 2 s).
    Instant now = Instant.parse("2026-12-01T10:00:00Z");
    HttpSmokeChecker timed = new HttpSmokeChecker(HttpClient.newHttpClient(), Optional.empty(),
        sleeps::add, Duration.ofMillis(100), Clock.fixed(now, ZoneOffset.UTC));
    TransientFailure f = assertThrows(TransientFailure.class, () -> InvocationDeadline.within(
        now.plusMillis(2150), () -> timed.check(smoke("/", 200, 3, Duration.ofSeconds(2)))));

    assertEquals(2, hits.get(), "the first two fit in their full timeout; the third is not made");
    assertTrue(f.getMessage().contains("attempt 3/3 needs 2200 ms, 2150 ms are left"),
        f.getMessage());
    assertTrue(f.getMessage().contains("the next event checks again"), f.getMessage());
    // Outside an invocation the same check runs every attempt and fails on its own merits.
    hits.set(0);
    assertFalse(checker.check(smoke("/", 200, 3, Duration.ofSeconds(2))).passed());
    assertEquals(3, hits.get());
  }

  @Test
  void aCandidateWithoutATagUrlFailsItsCheckWithAClearReasonInsteadOfThrowing() {
    Result r = checker.check(new SmokeCheck("checkout", "checkout-v2", "",
        new SmokeCheckSettings("/healthz", 200, 3, Duration.ofSeconds(1))));
    assertFalse(r.passed());
    assertTrue(r.detail().contains("checkout-v2 of checkout has no tag URL"), r.detail());
  }

  @Test
  void failsOnAWrongStatusAfterAllAttemptsAndSaysWhatCameBack() {
    String body = "x".repeat(300);
    script = (n, x) -> respond(x, 503, body);
    Result r = checker.check(smoke("/", 200, 3, Duration.ofSeconds(2)));

    assertFalse(r.passed());
    assertEquals(3, hits.get());
    assertTrue(r.detail().contains("attempt 3/3: 503 '" + "x".repeat(200) + "...'"),
        r.detail());
    assertFalse(r.detail().contains("x".repeat(201)), "body cut at 200 characters");
    assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200)), sleeps);
  }

  @Test
  void aTimeoutIsAFailedAttempt() {
    script = (n, x) -> {
      sleep(Duration.ofMillis(1500));
      respond(x, 200, "late");
    };
    Result r = checker.check(smoke("/", 200, 1, Duration.ofMillis(200)));

    assertFalse(r.passed());
    assertTrue(r.detail().contains("attempt 1/1: timed out after 200 ms"), r.detail());
  }

  @Test
  void retriesUntilItPasses() {
    script = (n, x) -> {
      if (n <= 2) {
        respond(x, 500, "warming up");
      } else {
        respond(x, 200, "ready");
      }
    };
    Result r = checker.check(smoke("/", 200, 3, Duration.ofSeconds(2)));

    assertTrue(r.passed(), r.detail());
    assertEquals(3, hits.get());
    assertEquals(2, sleeps.size());
    assertTrue(r.detail().contains("attempt 1/3: 500 'warming up'; attempt 2/3: 500 "
        + "'warming up'; attempt 3/3: 200 'ready'"), r.detail());
  }

  @Test
  void aConnectionErrorIsAFailedAttempt() {
    server.stop(0);
    Result r = checker.check(smoke("/", 200, 2, Duration.ofSeconds(1)));
    assertFalse(r.passed());
    assertTrue(r.detail().contains("attempt 2/2: ConnectException"), r.detail());
  }

  @Test
  void sendsAnIdTokenForTheServiceUrlWhenConfigured() {
    script = (n, x) -> respond(x, 200, "ok");
    List<String> audiences = new ArrayList<>();
    HttpSmokeChecker authed = new HttpSmokeChecker(HttpClient.newHttpClient(),
        Optional.of(audience -> {
          audiences.add(audience);
          return "token-for-" + audience;
        }), sleeps::add, Duration.ofMillis(100));

    assertTrue(authed.check(smoke("/", 200, 1, Duration.ofSeconds(2))).passed());
    assertEquals(List.of(url()), audiences);
    assertEquals(List.of("Bearer token-for-" + url()), authorizations);
  }

  @Test
  void noTokenIsATransientFailureNotAFailedCheck() {
    HttpSmokeChecker authed = new HttpSmokeChecker(HttpClient.newHttpClient(),
        Optional.of(audience -> {
          throw new IOException("metadata server unreachable");
        }), sleeps::add, Duration.ofMillis(100));
    assertThrows(TransientFailure.class,
        () -> authed.check(smoke("/", 200, 1, Duration.ofSeconds(2))));
  }

  @Test
  void theAudienceOfATagUrlIsTheServiceUrl() {
    assertEquals("https://checkout-abc123-uc.a.run.app", HttpSmokeChecker.audience(
        URI.create("https://canary---checkout-abc123-uc.a.run.app/healthz")));
    assertEquals("https://checkout-abc123-uc.a.run.app", HttpSmokeChecker.audience(
        URI.create("https://checkout-abc123-uc.a.run.app/")));
  }

  @Test
  void pathsJoinWithoutDoubledSlashes() {
    assertEquals(URI.create("http://h/healthz"), HttpSmokeChecker.target("http://h/", "/healthz"));
    assertEquals(URI.create("http://h/healthz"), HttpSmokeChecker.target("http://h", "healthz"));
    assertEquals(URI.create("http://h/"), HttpSmokeChecker.target("http://h", ""));
  }

  // ------------------------------------------------------------------ helpers

  private SmokeCheck smoke(String path, int status, int attempts, Duration timeout) {
    return new SmokeCheck("checkout", "checkout-v2", url(),
        new SmokeCheckSettings(path, status, attempts, timeout));
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static void respond(HttpExchange x, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
