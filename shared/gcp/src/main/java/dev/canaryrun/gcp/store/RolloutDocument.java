package dev.canaryrun.gcp.store;

import dev.canaryrun.policy.InvalidPolicyException;
import dev.canaryrun.policy.PolicyJson;
import dev.canaryrun.rollout.ExpiryAction;
import dev.canaryrun.rollout.Pause;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutState;
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

  static Map<String, Object> write(Rollout r, long auditCount) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("service", r.service());
    m.put("region", r.region());
    m.put("image", r.image());
    m.put("buildId", r.buildId());
    m.put("builtAt", Fields.timestamp(r.builtAt()));
    m.put("candidateRevision", r.candidateRevision());
    m.put("stableRevision", r.stableRevision());
    m.put("candidateUrl", r.candidateUrl());
    m.put("adopt", r.adopt());
    m.put("policy", PolicyJson.write(r.policy()));
    m.put("state", r.state().name());
    m.put("stepIndex", r.stepIndex());
    m.put("stateSince", Fields.timestamp(r.stateSince()));
    m.put("traffic", Map.of("candidatePercent", r.traffic().candidatePercent(),
        "applied", r.traffic().applied()));
    m.put("judge", JudgeStateCodec.write(r.judge()));
    m.put("lastVerdict", VerdictFields.write(r.lastVerdict()));
    m.put("pause", pause(r.pause()));
    m.put("stableIncidents", r.stableIncidents().stream().sorted().toList());
    m.put("reason", r.reason());
    m.put(CREATED_AT, Fields.timestamp(r.createdAt()));
    m.put("updatedAt", Fields.timestamp(r.updatedAt()));
    m.put(VERSION, r.version());
    m.put(ACTIVE, r.active());
    m.put(AUDIT_COUNT, auditCount);
    return m;
  }

  static Rollout read(String id, Map<String, Object> data) {
    Fields f = new Fields(data, "rollouts/" + id);
    Fields traffic = f.map("traffic");
    return new Rollout(
        f.string("id"),
        f.string("service"),
        f.string("region"),
        f.string("image"),
        f.string("buildId"),
        f.instant("builtAt"),
        f.string("candidateRevision"),
        f.optString("stableRevision"),
        f.optString("candidateUrl"),
        f.bool("adopt"),
        policy(id, f.string("policy")),
        f.enumValue("state", RolloutState.class),
        f.intValue("stepIndex"),
        f.instant("stateSince"),
        new TrafficIntent(traffic.intValue("candidatePercent"), traffic.bool("applied")),
        JudgeStateCodec.read(f.optMap("judge")),
        VerdictFields.read(f, "lastVerdict"),
        pause(f.optMap("pause")),
        new HashSet<>(strings(f.list("stableIncidents"))),
        f.string("reason"),
        f.instant(CREATED_AT),
        f.instant("updatedAt"),
        f.longValue(VERSION));
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
    return m;
  }

  private static Pause pause(Fields f) {
    return f == null ? null : new Pause(f.string("actor"), f.string("reason"),
        f.optInstant("until"), f.enumValue("atExpiry", ExpiryAction.class));
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
