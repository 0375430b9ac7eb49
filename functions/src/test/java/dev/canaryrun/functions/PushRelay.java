package dev.canaryrun.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Turns Pub/Sub push requests into {@code messagePublished} CloudEvents, as Eventarc does in
 * production, and forwards them to the invokers.
 *
 * <p>Why it exists: java-function-invoker 2.0.0 recognises a push request body (its
 * {@code isPubSubEmulatorPayload}) but then fails to convert it for a CloudEventsFunction:
 * it builds the legacy context with {@code resource.name = null} and its own Resource parser
 * rejects that ("Missing required properties: name"), answering 500 to every push. The relay
 * sends what Eventarc sends instead: a binary-mode CloudEvent whose data is the push body,
 * {@code ce-id} the message id, {@code ce-time} the publish time, {@code ce-source} the topic.
 * The invoker's response status goes back to the emulator unchanged (2xx acks, else retry).
 *
 * <p>With {@code redeliver}, every push is delivered a second time right after the first
 * returns, with the same message id: the redelivery Pub/Sub makes when an ack is lost.
 */
final class PushRelay implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(16);
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();
  /** path (function name) -> [invoker URL, topic resource name]. */
  private final Map<String, String[]> routes = new ConcurrentHashMap<>();

  private final boolean redeliver;

  PushRelay(boolean redeliver) throws IOException {
    this.redeliver = redeliver;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(threads);
    server.createContext("/", this::relay);
    server.start();
  }

  /** The push endpoint for the function; its events go to {@code invokerPort}. */
  String route(String function, int invokerPort, String topicName) {
    routes.put("/" + function, new String[] {"http://127.0.0.1:" + invokerPort + "/", topicName});
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + function;
  }

  private void relay(HttpExchange exchange) throws IOException {
    int status;
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String[] route = routes.get(exchange.getRequestURI().getPath());
      if (route == null) {
        respond(exchange, 404);
        return;
      }
      try {
        JsonNode message = JSON.readTree(body).path("message");
        HttpRequest request = HttpRequest.newBuilder(URI.create(route[0]))
            .timeout(Duration.ofSeconds(30))
            .header("ce-specversion", "1.0")
            .header("ce-id", message.path("messageId").asText())
            .header("ce-source", "//pubsub.googleapis.com/" + route[1])
            .header("ce-type", DeploymentContract.EVENT_TYPE)
            .header("ce-time", message.path("publishTime").asText())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
        status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (redeliver && status / 100 == 2) {
          http.send(request, HttpResponse.BodyHandlers.discarding());
        }
      } catch (IOException e) {
        status = 503; // the invoker is down: let Pub/Sub retry
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        status = 503;
      }
      respond(exchange, status);
    }
  }

  private static void respond(HttpExchange exchange, int status) throws IOException {
    exchange.sendResponseHeaders(status, -1);
    OutputStream out = exchange.getResponseBody();
    out.close();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
