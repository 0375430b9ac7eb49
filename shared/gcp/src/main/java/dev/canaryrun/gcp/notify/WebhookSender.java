package dev.canaryrun.gcp.notify;

import dev.canaryrun.gcp.smoke.Sleeper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * POSTs one message to one webhook. Transient failures (5xx, 429, timeouts, connection
 * errors) are retried with doubling backoff up to {@code attempts}; a 4xx other than 429 is
 * the request's fault (a revoked webhook, a bad body) and is not retried, so a broken webhook
 * costs one request per event, never a storm. Never throws: chat is best effort and must not
 * fail the event that carried it.
 */
public final class WebhookSender {
  private static final Logger LOG = Logger.getLogger(WebhookSender.class.getName());

  /** How a delivery ended. */
  public record Delivery(boolean delivered, int attempts, int lastStatus, String problem) {}

  private final HttpClient http;
  private final Sleeper sleeper;
  private final int attempts;
  private final Duration firstBackoff;
  private final Duration timeout;

  public WebhookSender(HttpClient http, Sleeper sleeper, int attempts, Duration firstBackoff,
      Duration timeout) {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be >= 1");
    }
    this.http = http;
    this.sleeper = sleeper;
    this.attempts = attempts;
    this.firstBackoff = firstBackoff;
    this.timeout = timeout;
  }

  /** 3 attempts, 1 s then 2 s apart, 5 s per request: at most ~18 s per target. */
  public static WebhookSender defaults() {
    return new WebhookSender(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .build(), Sleeper.SYSTEM, 3, Duration.ofSeconds(1), Duration.ofSeconds(5));
  }

  public Delivery send(ChatTarget target, byte[] body) {
    Duration backoff = firstBackoff;
    int status = 0;
    String problem = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(target.url())
                .timeout(timeout).header("Content-Type", "application/json; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
            HttpResponse.BodyHandlers.ofString());
        status = r.statusCode();
        if (status / 100 == 2) {
          return new Delivery(true, attempt, status, null);
        }
        problem = "HTTP " + status + ": " + abbreviate(r.body());
        if (status / 100 == 4 && status != 429) {
          LOG.warning(() -> "chat target " + target.name() + " refused the message, not "
              + "retried: " + abbreviate(r.body()));
          return new Delivery(false, attempt, status, "HTTP " + r.statusCode());
        }
      } catch (IOException e) {
        problem = e.toString(); // timeout, refused, reset: transient
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Delivery(false, attempt, status, "interrupted");
      }
      if (attempt < attempts) {
        try {
          sleeper.sleep(backoff);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return new Delivery(false, attempt, status, "interrupted");
        }
        backoff = backoff.multipliedBy(2);
      }
    }
    String why = problem;
    LOG.log(Level.WARNING, () -> "chat target " + target.name() + " failed after " + attempts
        + " attempts: " + why);
    return new Delivery(false, attempts, status, problem);
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }
}
