package dev.canaryrun.gcp.store;

import dev.canaryrun.judge.EvidenceJson;
import dev.canaryrun.judge.JudgeState;
import dev.canaryrun.judge.LegacyJudgeValues;
import dev.canaryrun.judge.SequentialEvidence;
import java.util.HashMap;
import java.util.Map;

/**
 * The rollout document's {@code judge} field: {@code consumedUntil} (a timestamp),
 * {@code evidence} (the sequential judge's typed evidence as a map, omitted while empty) and
 * {@code values} (other judges' named numbers). A document written before the evidence was
 * typed has only {@code consumedUntil} and a flat {@code values} map; it is read through
 * {@link LegacyJudgeValues}, so rollouts in flight keep their evidence across the upgrade.
 */
final class JudgeStateCodec {
  private JudgeStateCodec() {}

  static Map<String, Object> write(JudgeState j) {
    if (j == null) {
      return null;
    }
    Map<String, Object> m = new HashMap<>();
    m.put("consumedUntil", Fields.timestamp(j.consumedUntil()));
    if (!j.evidence().equals(SequentialEvidence.EMPTY)) {
      m.put("evidence", EvidenceJson.toMap(j.evidence()));
    }
    m.put("values", new HashMap<>(j.values()));
    return m;
  }

  static JudgeState read(Fields f) {
    if (f == null) {
      return null;
    }
    Fields evidence = f.optMap("evidence");
    if (evidence == null) {
      return LegacyJudgeValues.read(f.instant("consumedUntil"), f.doubles("values"));
    }
    try {
      return new JudgeState(f.instant("consumedUntil"), EvidenceJson.fromMap(evidence.asMap()),
          f.doubles("values"));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(evidence.where() + " is not judge evidence: "
          + e.getMessage(), e);
    }
  }
}
