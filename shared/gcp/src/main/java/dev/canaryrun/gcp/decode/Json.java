package dev.canaryrun.gcp.decode;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Strict JSON reading shared by the decoders: every problem becomes a named rejection. */
final class Json {
  // Duplicate keys are rejected: {"command":"pause","command":"promote"} must not be guessed at.
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  static {
    MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxNestingDepth(64).build());
  }

  private Json() {}

  static JsonNode parse(byte[] bytes, String what) {
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new MalformedEventException(what + " is not valid JSON: " + e.getOriginalMessage()
          + " (line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + ")");
    } catch (IOException e) {
      throw new MalformedEventException(what + " could not be read: " + e.getMessage());
    }
    if (node == null || node.isMissingNode()) {
      throw new MalformedEventException(what + " is empty");
    }
    if (!node.isObject()) {
      throw new MalformedEventException(what + " must be a JSON object, got "
          + node.getNodeType());
    }
    return node;
  }

  /** RFC 3339 with an offset (Google's timestamps: Z and 0 to 9 fractional digits). */
  static Instant instant(String text, String field) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new MalformedEventException(field + " is not an RFC 3339 timestamp: '"
          + abbreviate(text) + "'");
    }
  }

  /** Epoch seconds as Monitoring sends {@code started_at}: a number, maybe a string. */
  static Instant epochSeconds(JsonNode v, String field) {
    if (v == null || v.isNull()) {
      return null;
    }
    try {
      BigDecimal s = v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText().strip());
      if (s.signum() <= 0) {
        return null; // the console's test notification sends 0: no time
      }
      return Instant.ofEpochSecond(s.longValueExact());
    } catch (NumberFormatException | ArithmeticException e) {
      throw new MalformedEventException(field + " is not epoch seconds: '"
          + abbreviate(v.asText()) + "'");
    }
  }

  static String text(JsonNode node, String name) {
    JsonNode v = node == null ? null : node.get(name);
    return v != null && v.isTextual() ? v.asText() : null;
  }

  static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
