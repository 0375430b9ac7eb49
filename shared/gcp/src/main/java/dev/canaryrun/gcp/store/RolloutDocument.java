package dev.canaryrun.gcp.store;

import dev.canaryrun.policy.InvalidPolicyException;
import dev.canaryrun.policy.PolicyJson;
import dev.canaryrun.rollout.ExpiryAction;
import dev.canaryrun.rollout.Pause;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutSpec;
import dev.canaryrun.rollout.RolloutState;
import dev.canaryrun.rollout.RolloutStatus;
import dev.canaryrun.rollout.TrafficIntent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code rollouts/{id}} <-> {@link Rollout}, field by field. Explicit code rather than
 * annotations keeps the domain free of Firestore and makes every stored name a decision.
 * Nested values are maps (readable in the console); the policy is its JSON (the same form
 * operators write), and {@code active} is stored for the active-rollouts query.
 */
final class RolloutDocument {
  static final String ACTIVE = "active";
  static final String CREATED_AT = "createdAt";
  static final String VERSION = "version";
  /** How many audit entries exist; the next one is numbered after it. */
  static final String AUDIT_COUNT = "auditCount";

  private RolloutDocument() {}

  /**
   * One flat document: spec fields, status fields, then the store's own. Flat rather than
   * nested under "spec"/"status" so that documents written before the split still load and the
   * console shows one level.
   */
  static Map<String, Object> write(Rollout r, long auditCount) {
    Map<String, Object> m = new LinkedHashMap<>();
    writeSpec(r.spec(), m);
    writeStatus(r.status(), m);
    m.put("updatedAt", Fields.timestamp(r.updatedAt()));
    m.put(VERSION, r.version());
    m.put(ACTIVE, r.active());
    m.put(AUDIT_COUNT, auditCount);
    return m;
  }

  static Rollout read(String id, Map<String, Object> data) {
    Fields f = new Fields(data, "rollouts/" + id);
    return new Rollout(readSpec(id, f), readStatus(f), f.longValue(VERSION),
        f.instant("updatedAt"));
  }

  private static void writeSpec(RolloutSpec s, Map<String, Object> m) {
    m.put("id", s.id());
    m.put("service", s.service());
    m.put("region", s.region());
    m.put("image", s.image());
    m.put("buildId", s.buildId());
    m.put("builtAt", Fields.timestamp(s.builtAt()));
    m.put("candidateRevision", s.candidateRevision());
    m.put("adopt", s.adopt());
    m.put("policy", PolicyJson.write(s.policy()));
    m.put(CREATED_AT, Fields.timestamp(s.createdAt()));
    if (s.drill() != null) {
      m.put("drill", DrillFields.write(s.drill())); // absent on releases
    }
    if (s.releaseId() != null) { // absent: a release of one region, as before releases existed
      m.put("releaseId", s.releaseId());
      m.put("wave", s.wave());
    }
  }

  private static RolloutSpec readSpec(String id, Fields f) {
    return new RolloutSpec(f.string("id"), f.string("service"), f.string("region"),
        f.string("image"), f.string("buildId"), f.instant("builtAt"),
        f.string("candidateRevision"), f.bool("adopt"), policy(id, f.string("policy")),
        f.instant(CREATED_AT), DrillFields.readDrill(f.optMap("drill")),
        f.optString("releaseId"), f.optString("releaseId") == null ? 0 : f.intValue("wave"));
  }

  private static void writeStatus(RolloutStatus s, Map<String, Object> m) {
    m.put("state", s.state().name());
    m.put("stepIndex", s.stepIndex());
    m.put("stateSince", Fields.timestamp(s.stateSince()));
    m.put("stableRevision", s.stableRevision());
    m.put("candidateUrl", s.candidateUrl());
    m.put("traffic", Map.of("candidatePercent", s.traffic().candidatePercent(),
        "applied", s.traffic().applied()));
    m.put("judge", JudgeStateCodec.write(s.judge()));
    m.put("lastVerdict", VerdictFields.write(s.lastVerdict()));
    m.put("pause", pause(s.pause()));
    m.put("stableIncidents", s.stableIncidents().stream().sorted().toList());
    m.put("reason", s.reason());
    m.put("settleAt", Fields.timestamp(s.settleAt()));
    // Always written (null for releases): the store updates fields, and a retried drill's
    // cleared times must clear the stored ones.
    m.put("drillTimes", DrillFields.write(s.drill()));
  }

  private static RolloutStatus readStatus(Fields f) {
    Fields traffic = f.map("traffic");
    return new RolloutStatus(
        f.enumValue("state", RolloutState.class),
        f.intValue("stepIndex"),
        f.instant("stateSince"),
        f.optString("stableRevision"),
        f.optString("candidateUrl"),
        new TrafficIntent(traffic.intValue("candidatePercent"), traffic.bool("applied")),
        JudgeStateCodec.read(f.optMap("judge")),
        VerdictFields.read(f, "lastVerdict"),
        pause(f.optMap("pause")),
        new HashSet<>(strings(f.list("stableIncidents"))),
        f.string("reason"),
        f.optInstant("settleAt"), // absent in documents written before the settling check
        DrillFields.readTimes(f.optMap("drillTimes")));
  }

  private static Map<String, Object> pause(Pause p) {
    if (p == null) {
      return null;
    }
    Map<String, Object> m = new HashMap<>();
    m.put("actor", p.actor());
    m.put("reason", p.reason());
    m.put("until", Fields.timestamp(p.until()));
    m.put("atExpiry", p.atExpiry().name());
    if (p.gate()) {
      m.put("gate", true); // absent: an operator's or the controller's pause
    }
    return m;
  }

  private static Pause pause(Fields f) {
    return f == null ? null : new Pause(f.string("actor"), f.string("reason"),
        f.optInstant("until"), f.enumValue("atExpiry", ExpiryAction.class),
        f.optBool("gate", false));
  }

  private static dev.canaryrun.policy.RolloutPolicy policy(String id, String json) {
    try {
      return PolicyJson.parse(json);
    } catch (InvalidPolicyException e) {
      // We wrote this snapshot ourselves, so this is a bug or a manual edit, never user input.
      throw new IllegalStateException("rollouts/" + id + ".policy: " + e.getMessage(), e);
    }
  }

  private static List<String> strings(List<Object> values) {
    List<String> out = new ArrayList<>();
    for (Object v : values) {
      out.add(String.valueOf(v));
    }
    return out;
  }
}
