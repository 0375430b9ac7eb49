package dev.canaryrun.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The front door of one local service: an HTTP port that sends each request to a revision
 * drawn by the current traffic split, plus one port per traffic tag that always goes to the
 * tag's revision (a tag URL, like Cloud Run's {@code https://tag---service-...run.app}).
 * A {@code Host: tag---anything} header on the main port routes by tag too.
 *
 * <p>Every proxied request is recorded in the {@link TimeSeriesStore}: that is where the
 * emulated Cloud Monitoring gets its numbers, so metrics always agree with real traffic.
 */
final class ServiceRouter implements AutoCloseable {

  /** Finds where a revision serves and how to label its samples. */
  interface RevisionDirectory {
    Optional<Target> find(String revision);
  }

  record Target(RevisionKey key, URI uri, Behaviour behaviour) {}

  private static final Set<String> HOP_HEADERS = Set.of(
      "connection", "content-length", "host", "upgrade", "expect", "transfer-encoding",
      "keep-alive", "te", "trailer", "proxy-connection");

  private final String service;
  private final RevisionDirectory directory;
  private final TimeSeriesStore store;
  private final Clock clock;
  private final Executor executor;
  private final HttpClient http;
  private final HttpServer main;
  private final Map<String, HttpServer> tagServers = new HashMap<>();
  private volatile RoutingTable table = RoutingTable.empty();

  ServiceRouter(String service, RevisionDirectory directory, TimeSeriesStore store,
      Executor executor, HttpClient http) throws IOException {
    this.service = service;
    this.directory = directory;
    this.store = store;
    this.clock = store.clock();
    this.executor = executor;
    this.http = http;
    this.main = listen(exchange -> route(exchange, tagFromHost(exchange)));
  }

  URI uri() {
    return uriOf(main);
  }

  /** The tag's URL, if the tag is in the current table. */
  synchronized Optional<URI> tagUri(String tag) {
    HttpServer s = tagServers.get(tag);
    return s == null ? Optional.empty() : Optional.of(uriOf(s));
  }

  /**
   * Switches to a new table. A tag that stays keeps its port (its URL is stable across
   * traffic changes, as on Cloud Run); a tag that goes away loses it.
   */
  synchronized void update(RoutingTable next) throws IOException {
    for (String tag : Set.copyOf(tagServers.keySet())) {
      if (!next.tags().containsKey(tag)) {
        tagServers.remove(tag).stop(0);
      }
    }
    for (String tag : next.tags().keySet()) {
      if (!tagServers.containsKey(tag)) {
        tagServers.put(tag, listen(exchange -> route(exchange, tag)));
      }
    }
    table = next;
  }

  private HttpServer listen(com.sun.net.httpserver.HttpHandler handler) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", handler);
    server.setExecutor(executor);
    server.start();
    return server;
  }

  private static URI uriOf(HttpServer server) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private static String tagFromHost(HttpExchange exchange) {
    String host = exchange.getRequestHeaders().getFirst("Host");
    if (host == null) {
      return null;
    }
    int sep = host.indexOf("---");
    return sep > 0 ? host.substring(0, sep) : null;
  }

  private void route(HttpExchange exchange, String tag) throws IOException {
    try (exchange) {
      long started = System.nanoTime();
      RoutingTable current = table;
      String revision = tag != null
          ? current.tags().get(tag)
          : current.pick(ThreadLocalRandom.current().nextInt(100));
      Optional<Target> target = revision == null ? Optional.empty() : directory.find(revision);
      if (target.isEmpty()) {
        String why = tag != null ? "no revision has tag " + tag : "no revision takes traffic";
        respond(exchange, 404, "service " + service + ": " + why + "\n", null);
        return;
      }
      byte[] requestBody;
      try (InputStream in = exchange.getRequestBody()) {
        requestBody = in.readAllBytes();
      }
      int status;
      byte[] body;
      try {
        HttpResponse<byte[]> response = http.send(forward(exchange, target.get(), requestBody),
            HttpResponse.BodyHandlers.ofByteArray());
        status = response.statusCode();
        body = response.body();
      } catch (IOException e) {
        // The revision's server is gone (deleted mid-request): Cloud Run would answer 503.
        status = 503;
        body = ("revision " + revision + " unavailable\n").getBytes(StandardCharsets.UTF_8);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      double latencyMs = (System.nanoTime() - started) / 1e6;
      Target t = target.get();
      store.coldStartIfNone(t.key());
      store.add(new RequestRecord(t.key(), status, latencyMs, clock.instant()));
      store.add(new UtilisationRecord(
          t.key(), t.behaviour().cpu(), t.behaviour().memory(), clock.instant()));
      respond(exchange, status, body, revision);
    }
  }

  private static HttpRequest forward(HttpExchange exchange, Target target, byte[] body) {
    URI in = exchange.getRequestURI();
    String pathAndQuery = in.getRawPath() + (in.getRawQuery() == null ? "" : "?" + in.getRawQuery());
    HttpRequest.Builder b = HttpRequest.newBuilder(target.uri().resolve(pathAndQuery))
        .timeout(Duration.ofSeconds(60))
        .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
    exchange.getRequestHeaders().forEach((name, values) -> {
      if (!HOP_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        values.forEach(v -> b.header(name, v));
      }
    });
    return b.build();
  }

  private static void respond(HttpExchange exchange, int status, String body, String revision)
      throws IOException {
    respond(exchange, status, body.getBytes(StandardCharsets.UTF_8), revision);
  }

  private static void respond(HttpExchange exchange, int status, byte[] body, String revision)
      throws IOException {
    if (revision != null) {
      exchange.getResponseHeaders().set(RevisionServer.REVISION_HEADER, revision);
    }
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
  }

  @Override
  public synchronized void close() {
    main.stop(0);
    tagServers.values().forEach(s -> s.stop(0));
    tagServers.clear();
  }
}
