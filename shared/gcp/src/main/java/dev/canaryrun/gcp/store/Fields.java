package dev.canaryrun.gcp.store;

import com.google.cloud.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of a stored map with errors that name the document and field: a document that
 * does not have the shape we wrote is a bug or a manual edit, and the message must say where.
 */
final class Fields {
  private final Map<String, Object> values;
  private final String where;

  Fields(Map<String, Object> values, String where) {
    this.values = values == null ? Map.of() : values;
    this.where = where;
  }

  /** The stored map itself, for a codec that maps a whole nested value (the judge's evidence). */
  Map<String, Object> asMap() {
    return values;
  }

  /** Where this map sits in its document, for error messages. */
  String where() {
    return where;
  }

  static Timestamp timestamp(Instant i) {
    // Firestore keeps microseconds; Instants from a JDK clock on Linux carry no more than that.
    return i == null ? null : Timestamp.ofTimeSecondsAndNanos(i.getEpochSecond(), i.getNano());
  }

  String string(String name) {
    String s = optString(name);
    if (s == null) {
      throw missing(name);
    }
    return s;
  }

  String optString(String name) {
    Object v = values.get(name);
    if (v == null) {
      return null;
    }
    if (v instanceof String s) {
      return s;
    }
    throw wrongType(name, "a string", v);
  }

  Instant instant(String name) {
    Instant i = optInstant(name);
    if (i == null) {
      throw missing(name);
    }
    return i;
  }

  Instant optInstant(String name) {
    Object v = values.get(name);
    if (v == null) {
      return null;
    }
    if (v instanceof Timestamp t) {
      return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }
    throw wrongType(name, "a timestamp", v);
  }

  long longValue(String name) {
    return number(name).longValue();
  }

  long longValue(String name, long fallback) {
    return values.get(name) == null ? fallback : number(name).longValue();
  }

  double doubleValue(String name) {
    return number(name).doubleValue();
  }

  /** A number that may be absent (null). */
  Double optDouble(String name) {
    return values.get(name) == null ? null : number(name).doubleValue();
  }

  int intValue(String name) {
    return Math.toIntExact(longValue(name));
  }

  boolean bool(String name) {
    Object v = values.get(name);
    if (v instanceof Boolean b) {
      return b;
    }
    throw v == null ? missing(name) : wrongType(name, "a boolean", v);
  }

  /** A boolean; {@code fallback} when absent (a field added after documents were written). */
  boolean optBool(String name, boolean fallback) {
    return values.get(name) == null ? fallback : bool(name);
  }

  /** A nested map; null when absent. */
  Fields optMap(String name) {
    Object v = values.get(name);
    if (v == null) {
      return null;
    }
    if (v instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, Object> typed = (Map<String, Object>) m;
      return new Fields(typed, where + "." + name);
    }
    throw wrongType(name, "a map", v);
  }

  Fields map(String name) {
    Fields f = optMap(name);
    if (f == null) {
      throw missing(name);
    }
    return f;
  }

  /** The field's entries as numbers (the judge's state, a check's figures). */
  Map<String, Double> doubles(String name) {
    Fields m = optMap(name);
    if (m == null) {
      return Map.of();
    }
    Map<String, Double> out = new java.util.HashMap<>();
    for (String key : m.values.keySet()) {
      out.put(key, m.number(key).doubleValue());
    }
    return out;
  }

  List<Object> list(String name) {
    Object v = values.get(name);
    if (v == null) {
      return List.of();
    }
    if (v instanceof List<?> l) {
      return List.copyOf(l);
    }
    throw wrongType(name, "an array", v);
  }

  /** An element of a list field, read as a map. */
  Fields element(String name, int index, Object element) {
    if (element instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, Object> typed = (Map<String, Object>) m;
      return new Fields(typed, where + "." + name + "[" + index + "]");
    }
    throw wrongType(name + "[" + index + "]", "a map", element);
  }

  <E extends Enum<E>> E enumValue(String name, Class<E> type) {
    String s = string(name);
    try {
      return Enum.valueOf(type, s);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(where + "." + name + ": '" + s + "' is not a "
          + type.getSimpleName(), e);
    }
  }

  private Number number(String name) {
    Object v = values.get(name);
    if (v instanceof Number n) {
      return n;
    }
    throw v == null ? missing(name) : wrongType(name, "a number", v);
  }

  private IllegalStateException missing(String name) {
    return new IllegalStateException(where + "." + name + " is missing");
  }

  private IllegalStateException wrongType(String name, String expected, Object v) {
    return new IllegalStateException(where + "." + name + " should be " + expected + ", found "
        + v.getClass().getSimpleName() + " " + v);
  }
}
