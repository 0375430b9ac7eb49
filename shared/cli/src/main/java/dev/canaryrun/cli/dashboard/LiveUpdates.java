package dev.canaryrun.cli.dashboard;

import com.sun.net.httpserver.HttpExchange;
import dev.canaryrun.cli.ops.RolloutJson;
import dev.canaryrun.rollout.Rollout;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * {@code GET /api/events}: server-sent events, one {@code rollout} event per change of a
 * rollout document, fed by a Firestore snapshot listener. The pages then fetch what they
 * show, so an event only needs to say which rollout changed; a slow or gone browser loses
 * its own queue, never anyone else's.
 */
final class LiveUpdates {
  private static final Logger LOG = Logger.getLogger(LiveUpdates.class.getName());
  static final Duration KEEPALIVE = Duration.ofSeconds(15);
  static final int QUEUE_LIMIT = 1000;
  private static final String CLOSE = "\u0000close";

  private final Set<BlockingQueue<String>> clients = ConcurrentHashMap.newKeySet();
  private volatile String problem;

  /** A rollout changed: tell every open page. */
  void changed(Rollout r) {
    String data = RolloutJson.compact(Map.of("id", r.id(), "service", r.service(),
        "state", r.state().name(), "version", r.version(),
        "candidatePercent", r.traffic().candidatePercent()));
    broadcast("event: rollout\ndata: " + data + "\n\n");
  }

  /** The listener failed: pages say that what they show may be stale. */
  void failed(RuntimeException e) {
    problem = "live updates stopped: " + e.getMessage();
    LOG.warning(problem);
    broadcast("event: problem\ndata: " + RolloutJson.compact(Map.of("message", problem))
        + "\n\n");
  }

  int clients() {
    return clients.size();
  }

  /** Holds the exchange open until the browser goes away or the server stops. */
  void serve(HttpExchange ex) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(200, 0);
    BlockingQueue<String> queue = new LinkedBlockingQueue<>(QUEUE_LIMIT);
    clients.add(queue);
    try (OutputStream out = ex.getResponseBody()) {
      write(out, "retry: 2000\nevent: hello\ndata: "
          + RolloutJson.compact(Map.of("problem", problem == null ? "" : problem)) + "\n\n");
      while (true) {
        String next = queue.poll(KEEPALIVE.toSeconds(), TimeUnit.SECONDS);
        if (CLOSE.equals(next)) {
          return;
        }
        write(out, next == null ? ": keepalive\n\n" : next);
      }
    } catch (IOException | InterruptedException e) {
      // the browser went away (or the server is stopping): its queue goes with it
    } finally {
      clients.remove(queue);
    }
  }

  void close() {
    clients.forEach(q -> q.offer(CLOSE));
  }

  private void broadcast(String event) {
    for (BlockingQueue<String> q : clients) {
      if (!q.offer(event)) {
        clients.remove(q); // a page that stopped reading; it reconnects and refetches
        q.clear();
        q.offer(CLOSE);
      }
    }
  }

  private static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
