package dev.canaryrun.gcp.logging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.temporal.TemporalAccessor;
import java.util.Map;
import java.util.Set;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * Renders a log record as one line of JSON that Cloud Logging turns into a structured entry
 * (https://cloud.google.com/logging/docs/structured-logging): {@code severity}, {@code message}
 * and {@code time} are lifted into the entry, the rest becomes its jsonPayload.
 *
 * <p>DecisionLog's records carry their fields as the single parameter (a Map): they become
 * top-level jsonPayload fields, so a query like {@code jsonPayload.rolloutId="checkout-1a2b"}
 * finds a rollout's every line; the identifying ones (rollout id, service, event id) are also
 * entry labels for the Logs Explorer's summary line. A thrown exception's stack trace is
 * appended to the message, which is where Error Reporting looks for it.
 */
public final class CloudLoggingFormatter extends Formatter {
  /** Fields copied into {@code logging.googleapis.com/labels}. */
  static final Set<String> LABELS = Set.of("rolloutId", "service", "eventId");
  static final String LABELS_KEY = "logging.googleapis.com/labels";
  private static final Set<String> RESERVED = Set.of("severity", "message", "time",
      LABELS_KEY, "logger");

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  @Override
  public String format(LogRecord record) {
    ObjectNode line = MAPPER.createObjectNode();
    line.put("severity", severity(record.getLevel()));
    String message = messageOf(record);
    if (record.getThrown() != null) {
      StringWriter trace = new StringWriter();
      record.getThrown().printStackTrace(new PrintWriter(trace));
      message = message + "\n" + trace;
    }
    line.put("message", message);
    line.put("time", record.getInstant().toString());
    line.put("logger", record.getLoggerName());
    Map<?, ?> fields = fieldsOf(record);
    if (fields != null) {
      ObjectNode labels = MAPPER.createObjectNode();
      for (Map.Entry<?, ?> f : fields.entrySet()) {
        String key = String.valueOf(f.getKey());
        Object value = f.getValue();
        if (value == null || RESERVED.contains(key)) {
          continue;
        }
        line.set(key, tree(value));
        if (LABELS.contains(key)) {
          labels.put(key, String.valueOf(value));
        }
      }
      if (!labels.isEmpty()) {
        line.set(LABELS_KEY, labels);
      }
    }
    try {
      // One line per record: Cloud Logging splits the stream on newlines, so the JSON must
      // not contain raw ones (Jackson escapes those inside strings).
      return MAPPER.writeValueAsString(line) + System.lineSeparator();
    } catch (JsonProcessingException e) {
      return "{\"severity\":\"ERROR\",\"message\":\"unloggable record: "
          + e.getOriginalMessage().replace('"', '\'') + "\"}" + System.lineSeparator();
    }
  }

  /** Cloud Logging's LogSeverity names for java.util.logging levels. */
  static String severity(Level level) {
    int v = level.intValue();
    if (v >= Level.SEVERE.intValue()) {
      return "ERROR";
    }
    if (v >= Level.WARNING.intValue()) {
      return "WARNING";
    }
    if (v >= Level.INFO.intValue()) {
      return "INFO";
    }
    return "DEBUG";
  }

  private String messageOf(LogRecord record) {
    if (fieldsOf(record) != null) {
      return record.getMessage() == null ? "" : record.getMessage();
    }
    return formatMessage(record); // ordinary JUL records with {0}-style parameters
  }

  private static Map<?, ?> fieldsOf(LogRecord record) {
    Object[] params = record.getParameters();
    if (params != null && params.length == 1 && params[0] instanceof Map<?, ?> m) {
      return m;
    }
    return null;
  }

  /**
   * The field as JSON; as its text when Jackson cannot write it (an Instant or other bean
   * nested in a map or list), so that logging never throws into the caller's event handling.
   */
  private static JsonNode tree(Object value) {
    try {
      return MAPPER.valueToTree(jsonable(value));
    } catch (IllegalArgumentException e) {
      return MAPPER.getNodeFactory().textNode(String.valueOf(value));
    }
  }

  /** Numbers, booleans, strings, lists and maps go as JSON; anything else as its text. */
  private static Object jsonable(Object value) {
    if (value instanceof Number || value instanceof Boolean || value instanceof CharSequence
        || value instanceof Map<?, ?> || value instanceof Iterable<?>) {
      return value;
    }
    if (value instanceof Instant || value instanceof TemporalAccessor || value instanceof Enum<?>) {
      return value.toString();
    }
    return String.valueOf(value);
  }
}
