package dev.canaryrun.gcp.pubsub;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Notification details as plain JSON values. Details are {@code Map<String, Object>} built by
 * the state machine; anything that is not a number, boolean, string, map or collection (an
 * Instant, a Duration, an enum) is written as its {@code toString()}, which for java.time is
 * ISO-8601, rather than failing the publish.
 */
final class JsonValues {
  private JsonValues() {}

  static Object of(Object value) {
    if (value == null || value instanceof Number || value instanceof Boolean
        || value instanceof String) {
      return value;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new TreeMap<>(); // sorted: stable messages, readable diffs
      map.forEach((k, v) -> out.put(String.valueOf(k), of(v)));
      return out;
    }
    if (value instanceof Collection<?> items) {
      List<Object> out = new ArrayList<>();
      items.forEach(v -> out.add(of(v)));
      return out;
    }
    return value.toString();
  }
}
