package dev.canaryrun.gcp.smoke;

import dev.canaryrun.policy.SmokeCheckSettings;
import dev.canaryrun.port.InvocationDeadline;
import dev.canaryrun.port.SmokeChecker;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.rollout.Effect.SmokeCheck;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link SmokeChecker} that GETs the policy's health path on the candidate's tag URL.
 *
 * <p>Up to {@code settings.attempts()} attempts, each bounded by {@code settings.timeout()},
 * with a short doubling backoff between them: a revision that has just become ready can
 * answer its first requests slowly (cold start), which is not a reason to reject it. The
 * check passes on the first response with the expected status.
 *
 * <p>With an {@link IdTokenSource}, each request carries a Google-signed ID token whose
 * audience is the service URL (the tag URL with its {@code tag---} host prefix removed), as
 * Cloud Run requires for services that do not allow unauthenticated calls. Without one (the
 * local demo) requests are anonymous. Failing to get a token is a {@link TransientFailure}:
 * it says nothing about the candidate, so it must not fail the check.
 *
 * <p>The result's detail lists every attempt: the URL requested and the status with the
 * first 200 characters of the body, or the timeout or error.
 */
public final class HttpSmokeChecker implements SmokeChecker {

  static final int BODY_CHARS = 200;

  private final HttpClient http;
  private final Optional<IdTokenSource> tokens;
  private final Sleeper sleeper;
  private final Duration initialBackoff;
  private final Clock clock;

  /** Anonymous requests, real sleeps, 1 s first backoff. */
  public HttpSmokeChecker(HttpClient http) {
    this(http, Optional.empty(), Sleeper.SYSTEM, Duration.ofSeconds(1));
  }

  public HttpSmokeChecker(HttpClient http, Optional<IdTokenSource> tokens, Sleeper sleeper,
      Duration initialBackoff) {
    this(http, tokens, sleeper, initialBackoff, Clock.systemUTC());
  }

  /** @param clock measures what is left of the invocation's deadline before each attempt */
  public HttpSmokeChecker(HttpClient http, Optional<IdTokenSource> tokens, Sleeper sleeper,
      Duration initialBackoff, Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.http = Objects.requireNonNull(http, "http");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.initialBackoff = Objects.requireNonNull(initialBackoff, "initialBackoff");
  }

  /** For production: ADC ID tokens, a client with a connect timeout, real sleeps. */
  public static HttpSmokeChecker withApplicationDefaultCredentials() {
    return new HttpSmokeChecker(
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build(),
        Optional.of(IdTokenSource.applicationDefault()), Sleeper.SYSTEM, Duration.ofSeconds(1));
  }

  @Override
  public Result check(SmokeCheck request) {
    SmokeCheckSettings settings = request.settings();
    if (request.url() == null || !request.url().startsWith("http")) {
      // Cloud Run gave the tag no URL (e.g. an internal-only service): nothing to check
      // against, which is the candidate's failure to be verified, not a bug to retry.
      return new Result(false, "revision " + request.revision() + " of " + request.service()
          + " has no tag URL to smoke-check (got '" + request.url() + "')");
    }
    URI target = target(request.url(), settings.path());
    int attempts = Math.max(1, settings.attempts());
    List<String> log = new ArrayList<>();
    Duration backoff = initialBackoff;
    for (int i = 1; i <= attempts; i++) {
      if (i > 1) {
        fits(backoff.plus(settings.timeout()), target, i, attempts);
        pause(backoff, target);
        backoff = backoff.multipliedBy(2);
      } else {
        fits(settings.timeout(), target, i, attempts);
      }
      String prefix = "attempt " + i + "/" + attempts + ": ";
      try {
        HttpResponse<String> response = http.send(build(target, settings),
            HttpResponse.BodyHandlers.ofString());
        log.add(prefix + response.statusCode() + " " + quote(response.body()));
        if (response.statusCode() == settings.expectedStatus()) {
          return new Result(true, detail(target, settings, log));
        }
      } catch (HttpTimeoutException e) {
        log.add(prefix + "timed out after " + settings.timeout().toMillis() + " ms");
      } catch (IOException e) {
        log.add(prefix + e.getClass().getSimpleName() + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TransientFailure("interrupted during the smoke check of " + target, e);
      }
    }
    return new Result(false, detail(target, settings, log));
  }

  /**
   * An attempt starts only when its whole timeout (and the pause before it) fits before the
   * invocation's deadline: one cut short would count against a candidate that did nothing
   * wrong. Past that, the check stops with a {@link TransientFailure} and the redelivered
   * event checks again from the start; nothing is recorded as failed.
   */
  private void fits(Duration needed, URI target, int attempt, int attempts) {
    Duration left = InvocationDeadline.bound(needed, clock);
    if (left.compareTo(needed) < 0) {
      throw new TransientFailure("smoke check of " + target + ": attempt " + attempt + "/"
          + attempts + " needs " + needed.toMillis() + " ms, " + left.toMillis() + " ms are"
          + " left before the invocation's deadline; the next event checks again");
    }
  }

  private HttpRequest build(URI target, SmokeCheckSettings settings) {
    HttpRequest.Builder b = HttpRequest.newBuilder(target).GET().timeout(settings.timeout())
        .header("User-Agent", "canaryrun-smoke-check");
    if (tokens.isPresent()) {
      String audience = audience(target);
      try {
        b.header("Authorization", "Bearer " + tokens.get().idToken(audience));
      } catch (IOException | RuntimeException e) {
        throw new TransientFailure("cannot get an ID token for " + audience
            + " to smoke-check " + target + ": " + e.getMessage(), e);
      }
    }
    return b.build();
  }

  private void pause(Duration backoff, URI target) {
    try {
      sleeper.sleep(backoff);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientFailure("interrupted during the smoke check of " + target, e);
    }
  }

  private static String detail(URI target, SmokeCheckSettings settings, List<String> log) {
    return "GET " + target + " expecting " + settings.expectedStatus() + " (timeout "
        + settings.timeout().toMillis() + " ms): " + String.join("; ", log);
  }

  /** The tag URL plus the health path, without doubling or dropping the slash. */
  static URI target(String url, String path) {
    String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    String p = path.isEmpty() ? "/" : path.startsWith("/") ? path : "/" + path;
    return URI.create(base + p);
  }

  /**
   * Cloud Run accepts tokens for the service URL on every URL of the service; a tag URL is
   * {@code https://TAG---SERVICE-HASH-REGION.a.run.app}, so the audience drops "TAG---".
   */
  static String audience(URI target) {
    String host = target.getHost();
    int dashes = host.indexOf("---");
    String serviceHost = dashes < 0 ? host : host.substring(dashes + 3);
    String port = target.getPort() < 0 ? "" : ":" + target.getPort();
    return target.getScheme() + "://" + serviceHost + port;
  }

  private static String quote(String body) {
    String b = body == null ? "" : body;
    String cut = b.length() > BODY_CHARS ? b.substring(0, BODY_CHARS) + "..." : b;
    return "'" + cut.replace("\n", "\\n").replace("\r", "") + "'";
  }
}
