package dev.canaryrun.gcp.decode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.canaryrun.fixtures.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Hostile JSON for the fuzz tests: the values issue 11 found breaking the decoders, and the
 * mutation of a real fixture that puts one of them at any place in it (or flips its bytes).
 */
final class Hostile {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String INSERTS = "{}[]\",:0-e\\";
  // plain ASCII: Jackson escapes control characters, and the text replace must find it
  private static final String MARK = "@@HOSTILE-VALUE@@";

  /** Raw JSON texts, each a value that once threw or would be dangerous to store. */
  static final List<String> VALUES = List.of(
      "[".repeat(2_000) + "]".repeat(2_000),                 // deeper than Jackson's limit
      "{\"a\":".repeat(70) + "1" + "}".repeat(70),           // deeper than canaryrun's 64
      "1" + "0".repeat(1_000),                                // a 1,001-digit number
      "9".repeat(5_000),
      "1e17", "-1e17", "1e400", "1E-400", "-0", "0", "3.5", "9223372036854775808",
      "\"1e17\"", "\"---\"", "\"a/b\"", "\"\"", "\" \"", "null", "true", "{}", "[]",
      "\"" + "x".repeat(100_000) + "\"",                      // a huge string
      "\"+999999999-12-31T23:59:59Z\"", "\"2025-13-45T99:99:99Z\"", "\"9999-12-31T23:59:59Z\"",
      "\"2999-01-01T00:00:00Z\"", "\"\\u0000\"", "\"\\ud800\"", "\"checkout/../../x\"",
      "\"CHECKOUT\"", "\"checkout-" + "a".repeat(200) + "\"", "\"sha256:xyz\"",
      "[\"a\",1,null,{}]", "{\"name\":\"x\",\"digest\":\"y\"}");

  static final List<String> FIXTURES = List.of(
      "cloudbuild/build-success.json", "cloudbuild/build-success-adopt.json",
      "cloudbuild/build-working.json", "cloudbuild/build-failure.json",
      "monitoring/incident-open-canary.json", "monitoring/incident-open-stable.json",
      "monitoring/incident-closed-canary.json", "monitoring/incident-test-notification.json",
      "commands/pause.json", "commands/pause-with-expiry.json", "commands/rollback.json",
      "ticks/tick-targeted.json", "ticks/tick-all.json");

  private Hostile() {}

  /** A fixture with one node (or one key's value) replaced by a hostile value. */
  static byte[] replaceOneNode(String fixture, int nodeIndex, int valueIndex) {
    return replaceOneNode(Fixtures.bytes(fixture), nodeIndex, valueIndex);
  }

  static byte[] replaceOneNode(byte[] json, int nodeIndex, int valueIndex) {
    JsonNode root = read(json);
    List<JsonNode> containers = new ArrayList<>();
    collect(root, containers);
    JsonNode target = containers.get(Math.floorMod(nodeIndex, containers.size()));
    String value = VALUES.get(Math.floorMod(valueIndex, VALUES.size()));
    if (target instanceof ObjectNode o) {
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      if (names.isEmpty()) {
        o.set("extra", TextNode.valueOf(MARK));
      } else {
        o.set(names.get(Math.floorMod(nodeIndex * 31 + valueIndex, names.size())),
            TextNode.valueOf(MARK));
      }
    } else if (target instanceof ArrayNode a) {
      a.insert(0, TextNode.valueOf(MARK));
    }
    String mutated = root.toString().replace("\"" + MARK + "\"", value);
    return mutated.getBytes(StandardCharsets.UTF_8);
  }

  /** A fixture's bytes with a few flipped, inserted or deleted (the classic mutation fuzzer). */
  static byte[] flipBytes(String fixture, long seed, int edits) {
    return flipBytes(Fixtures.bytes(fixture), seed, edits);
  }

  static byte[] flipBytes(byte[] b, long seed, int edits) {
    Random r = new Random(seed);
    StringBuilder s = new StringBuilder(new String(b, StandardCharsets.ISO_8859_1));
    for (int i = 0; i < edits && s.length() > 0; i++) {
      int at = r.nextInt(s.length());
      switch (r.nextInt(3)) {
        case 0 -> s.setCharAt(at, (char) r.nextInt(256));
        case 1 -> s.insert(at, INSERTS.charAt(r.nextInt(INSERTS.length())));
        default -> s.deleteCharAt(at);
      }
    }
    return s.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void collect(JsonNode n, List<JsonNode> out) {
    if (n.isContainerNode()) {
      out.add(n);
      n.forEach(c -> collect(c, out));
    }
  }

  private static JsonNode read(byte[] b) {
    try {
      return MAPPER.readTree(b);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
