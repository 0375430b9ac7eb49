package dev.canaryrun.gcp.decode;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;

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

  /** 9999-12-31T23:59:59Z: Instant itself allows ~1e16 s and throws beyond, so bound first. */
  private static final BigDecimal MAX_EPOCH_SECONDS = BigDecimal.valueOf(253_402_300_799L);

  private Json() {}

  static JsonNode parse(byte[] bytes, String what) {
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (StreamConstraintsException e) {
      // Jackson's limits (nesting, number length) carry no location: name the limit instead.
      throw new MalformedEventException(what + " exceeds a JSON limit: "
          + abbreviate(String.valueOf(e.getOriginalMessage())));
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new MalformedEventException(what + " is not valid JSON: "
          + abbreviate(String.valueOf(e.getOriginalMessage()))
          + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    } catch (IOException | RuntimeException e) {
      // Jackson wraps some limit and encoding failures in unchecked exceptions: still input.
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
    } catch (DateTimeException e) {
      // DateTimeParseException, and DateTimeException for an offset date beyond Instant's range
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
      if (s.compareTo(MAX_EPOCH_SECONDS) > 0) {
        throw new MalformedEventException(field + " " + abbreviate(s.toPlainString())
            + " is after the year 9999: not a time Monitoring sends");
      }
      return Instant.ofEpochSecond(s.longValue());
    } catch (NumberFormatException | ArithmeticException e) {
      throw new MalformedEventException(field + " is not epoch seconds: '"
          + abbreviate(v.asText()) + "'");
    }
  }

  static String text(JsonNode node, String name) {
    JsonNode v = node == null ? null : node.get(name);
    return v != null && v.isTextual() ? v.asText() : null;
  }

  /**
   * A text field bounded at decode time, because whatever a decoder accepts may end up stored in
   * a Firestore document (1 MiB at most) or an audit entry: null when absent, a rejection naming
   * the field when longer than {@code max} characters.
   */
  static String boundedText(JsonNode node, String name, String field, int max) {
    String v = text(node, name);
    if (v != null && v.length() > max) {
      throw new MalformedEventException(field + " is " + v.length() + " characters, over the "
          + "limit of " + max);
    }
    return v;
  }

  /** Free text for people (a summary): cut, not rejected, so an alert is never lost to it. */
  static String truncated(String v, int max) {
    return v == null || v.length() <= max ? v : v.substring(0, max - 3) + "...";
  }

  static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
