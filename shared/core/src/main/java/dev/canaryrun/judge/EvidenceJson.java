package dev.canaryrun.judge;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/**
 * The sequential judge's evidence as JSON-shaped maps (strings, numbers, booleans, lists,
 * maps) for a document store, and back, by Jackson from the records themselves: a field
 * added to a record is stored without a hand-written mapping to forget.
 */
public final class EvidenceJson {
  // Unknown fields are ignored so that a document written by a newer version (a field this
  // one does not know yet) still loads during a rolling upgrade.
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private EvidenceJson() {}

  @SuppressWarnings("unchecked")
  public static Map<String, Object> toMap(SequentialEvidence e) {
    return JSON.convertValue(e, Map.class);
  }

  /** Throws IllegalArgumentException naming the field when the map is not evidence. */
  public static SequentialEvidence fromMap(Map<String, Object> m) {
    return JSON.convertValue(m, SequentialEvidence.class);
  }
}
