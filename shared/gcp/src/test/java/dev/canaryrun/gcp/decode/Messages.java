package dev.canaryrun.gcp.decode;

import dev.canaryrun.fixtures.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/** Pub/Sub messages around fixture payloads, for the decoder tests. */
final class Messages {
  static final Instant PUBLISHED = Instant.parse("2025-03-14T09:15:00.212Z");

  private Messages() {}

  static PubSubMessage of(byte[] data, Map<String, String> attributes) {
    return new PubSubMessage(data, attributes, "4711", PUBLISHED, null);
  }

  static PubSubMessage of(String data) {
    return of(data.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  static PubSubMessage fixture(String name) {
    return of(Fixtures.bytes(name), Map.of());
  }

  static PubSubMessage build(String name) {
    String json = Fixtures.text(name);
    return of(json.getBytes(StandardCharsets.UTF_8), Fixtures.buildAttributes(json));
  }

  static <T> T accepted(Decoded<T> d) {
    if (d instanceof Decoded.Accepted<T> a) {
      return a.value();
    }
    throw new AssertionError("expected Accepted, got " + d);
  }

  static String rejected(Decoded<?> d) {
    if (d instanceof Decoded.Rejected<?> r) {
      return r.problem();
    }
    throw new AssertionError("expected Rejected, got " + d);
  }

  static String ignored(Decoded<?> d) {
    if (d instanceof Decoded.Ignored<?> i) {
      return i.reason();
    }
    throw new AssertionError("expected Ignored, got " + d);
  }
}
