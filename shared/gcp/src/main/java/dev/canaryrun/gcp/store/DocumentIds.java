package dev.canaryrun.gcp.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Document ids for audit entries and processed events. */
final class DocumentIds {
  /** Firestore refuses document ids longer than 1,500 bytes. */
  private static final int MAX_ID_BYTES = 1500;
  private static final int SEQ_DIGITS = 10;

  private DocumentIds() {}

  /**
   * An audit sequence number zero-padded so that document-id order (lexical) is numeric order:
   * "0000000009" sorts before "0000000010".
   */
  static String auditSeq(long seq) {
    if (seq < 0) {
      throw new IllegalArgumentException("audit seq " + seq + " < 0");
    }
    String digits = Long.toString(seq);
    return "0".repeat(Math.max(0, SEQ_DIGITS - digits.length())) + digits;
  }

  /**
   * An event id made safe as a document id: '/' would make a path, "." and ".." are
   * reserved, as is anything shaped like __name__. Letters, digits and -~:@+= are kept (Pub/Sub
   * message ids and Cloud Build ids read as themselves); every other byte becomes %XX, so the
   * encoding is injective. Overlong ids are hashed.
   */
  static String event(String eventId) {
    if (eventId == null || eventId.isEmpty()) {
      throw new IllegalArgumentException("an event id is required");
    }
    StringBuilder out = new StringBuilder();
    for (byte b : eventId.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "-~:@+=".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    if (out.length() > MAX_ID_BYTES) {
      return "sha256-" + sha256(eventId);
    }
    return out.toString();
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
