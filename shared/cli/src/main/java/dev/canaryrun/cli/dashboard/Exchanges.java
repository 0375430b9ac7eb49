package dev.canaryrun.cli.dashboard;

import com.sun.net.httpserver.HttpExchange;
import dev.canaryrun.cli.ops.RolloutJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writing answers: JSON documents, errors as {@code {"error": "..."}}, bodies read bounded. */
final class Exchanges {
  static final int MAX_BODY = 16 * 1024;

  private Exchanges() {}

  static void json(HttpExchange ex, int status, Object value) throws IOException {
    send(ex, status, "application/json; charset=utf-8",
        RolloutJson.compact(value).getBytes(StandardCharsets.UTF_8));
  }

  static void error(HttpExchange ex, int status, String message) throws IOException {
    json(ex, status, Map.of("error", message));
  }

  static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    // The pages load only their own scripts and styles; nothing may frame them.
    ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; "
        + "img-src 'self' data:; frame-ancestors 'none'");
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
    ex.close();
  }

  /** The request body, or null when it is larger than {@link #MAX_BODY}. */
  static byte[] body(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      byte[] b = in.readNBytes(MAX_BODY + 1);
      return b.length > MAX_BODY ? null : b;
    }
  }
}
