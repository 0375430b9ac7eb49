package dev.canaryrun.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The "container" of one local revision: an HTTP server on 127.0.0.1 that answers every
 * path according to the revision's current {@link Behaviour} (read per request, so an
 * override takes effect at once). Responses carry {@code X-Canaryrun-Revision}.
 */
final class RevisionServer implements AutoCloseable {

  static final String REVISION_HEADER = "X-Canaryrun-Revision";

  private final String revision;
  private final Supplier<Behaviour> behaviour;
  private final HttpServer server;

  RevisionServer(String revision, Supplier<Behaviour> behaviour, Executor executor)
      throws IOException {
    this.revision = revision;
    this.behaviour = behaviour;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      try (InputStream in = exchange.getRequestBody()) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      Behaviour b = behaviour.get();
      Random random = ThreadLocalRandom.current();
      double latency = b.sampleLatencyMs(random);
      if (latency > 0) {
        sleepMillis(latency);
      }
      boolean error = b.sampleError(random);
      int status = error ? 500 : 200;
      byte[] body = (error ? "injected error from " + revision : "ok from " + revision)
          .concat("\n").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set(REVISION_HEADER, revision);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  private static void sleepMillis(double ms) {
    try {
      long nanos = (long) (ms * 1_000_000);
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
