package dev.canaryrun.cli.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Users of the service: GET requests at a fixed rate against the service's URL (the weighted
 * router, so the traffic split decides who serves them). Open-loop, like real users: a slow
 * revision does not slow the arrivals down; past {@link #MAX_IN_FLIGHT} outstanding requests
 * new ones are dropped and counted rather than queued without bound.
 */
final class LoadGenerator implements AutoCloseable {
  static final int MAX_IN_FLIGHT = 256;

  /** Client-side counts since start. */
  record Counts(long sent, long ok, long serverErrors, long failed, long dropped) {}

  private final URI target;
  private final double rate;
  private final ExecutorService httpThreads = Executors.newFixedThreadPool(2, daemon("load-http"));
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(daemon("load-ticker"));
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .executor(httpThreads)
      .build();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong serverErrors = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();

  LoadGenerator(URI target, double ratePerSecond) {
    if (!(ratePerSecond > 0 && ratePerSecond <= 5000)) {
      throw new IllegalArgumentException("--rate must be in (0, 5000], got " + ratePerSecond);
    }
    this.target = target;
    this.rate = ratePerSecond;
  }

  void start() {
    long periodNanos = (long) (1_000_000_000L / rate);
    ticker.scheduleAtFixedRate(this::fire, 0, periodNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Sends {@code requests} as fast as {@code concurrency} connections allow and waits for them:
   * warms the JIT of the router and revisions so the first measured seconds are not slow. The
   * judge freezes its latency thresholds from the stable revision's first requests, and a
   * cold-start p99 there would make a threshold nobody reaches again.
   */
  void burst(int requests, int concurrency) {
    java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(concurrency);
    HttpRequest request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(5)).GET()
        .build();
    try {
      for (int i = 0; i < requests; i++) {
        slots.acquire();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
            .whenComplete((r, e) -> slots.release());
      }
      slots.acquire(concurrency);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  double rate() {
    return rate;
  }

  Counts counts() {
    return new Counts(sent.get(), ok.get(), serverErrors.get(), failed.get(), dropped.get());
  }

  private void fire() {
    if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
      inFlight.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    sent.incrementAndGet();
    HttpRequest request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(5)).GET()
        .build();
    http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
      inFlight.decrementAndGet();
      if (e != null) {
        failed.incrementAndGet();
      } else if (r.statusCode() >= 500) {
        serverErrors.incrementAndGet();
      } else {
        ok.incrementAndGet();
      }
    });
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    httpThreads.shutdownNow();
  }

  static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
