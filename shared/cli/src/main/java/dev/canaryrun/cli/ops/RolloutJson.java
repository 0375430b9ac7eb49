package dev.canaryrun.cli.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.canaryrun.judge.Check;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.policy.Step;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Rollout;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --output json}: rollouts, audit entries and verdicts as plain JSON objects with the
 * names of the Firestore documents (docs/CONTRACT.md), times in RFC 3339, so that a script
 * reads the same fields the console shows.
 */
public final class RolloutJson {
  static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private RolloutJson() {}

  public static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  /** On one line (a stream of documents, one per line). */
  public static String compact(Object value) {
    try {
      return new ObjectMapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  public static Map<String, Object> rollout(Rollout r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("service", r.service());
    m.put("region", r.region());
    m.put("releaseId", r.releaseId()); // null: a release of one region
    m.put("wave", r.releaseId() == null ? null : r.spec().wave());
    m.put("image", r.image());
    m.put("buildId", r.buildId());
    m.put("state", r.state().name());
    m.put("active", r.active());
    m.put("settleAt", text(r.settleAt()));
    m.put("stepIndex", r.stepIndex());
    m.put("steps", r.policy().steps().stream().map(RolloutJson::step).toList());
    m.put("stateSince", text(r.stateSince()));
    m.put("stableRevision", r.stableRevision());
    m.put("candidateRevision", r.candidateRevision());
    m.put("traffic", Map.of("candidatePercent", r.traffic().candidatePercent(),
        "applied", r.traffic().applied()));
    m.put("lastVerdict", verdict(r.lastVerdict()));
    if (r.pause() != null) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("actor", r.pause().actor());
      p.put("reason", r.pause().reason());
      p.put("until", text(r.pause().until()));
      p.put("atExpiry", r.pause().atExpiry().name());
      m.put("pause", p);
    } else {
      m.put("pause", null);
    }
    m.put("stableIncidents", r.stableIncidents().stream().sorted().toList());
    m.put("reason", r.reason());
    m.put("createdAt", text(r.createdAt()));
    m.put("updatedAt", text(r.updatedAt()));
    m.put("version", r.version());
    return m;
  }

  public static Map<String, Object> step(Step s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("percent", s.percent());
    m.put("minDwellSeconds", s.minDwell().toSeconds());
    m.put("maxDwellSeconds", s.maxDwell().toSeconds());
    return m;
  }

  public static Map<String, Object> audit(AuditEntry a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", text(a.at()));
    m.put("cause", a.cause());
    m.put("eventType", a.eventType());
    m.put("actor", a.actor());
    m.put("from", a.from().name());
    m.put("to", a.to().name());
    m.put("trafficBefore", a.trafficBefore());
    m.put("trafficAfter", a.trafficAfter());
    m.put("message", a.message());
    m.put("verdict", verdict(a.verdict()));
    if (a.report() != null) {
      m.put("report", a.report().fields()); // the same fields as the ROLLED_BACK event's
    }
    return m;
  }

  public static List<Map<String, Object>> audit(List<AuditEntry> trail) {
    return trail.stream().map(RolloutJson::audit).toList();
  }

  public static Map<String, Object> verdict(Verdict v) {
    if (v == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("outcome", v.outcome().name());
    m.put("summary", v.summary());
    m.put("checks", v.checks().stream().map(RolloutJson::check).toList());
    return m;
  }

  private static Map<String, Object> check(Check c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", c.name());
    m.put("outcome", c.outcome().name());
    m.put("explanation", c.explanation());
    // NaN and infinities are not JSON numbers: written as null.
    Map<String, Object> figures = new LinkedHashMap<>();
    c.figures().forEach((k, v) -> figures.put(k, Double.isFinite(v) ? v : null));
    m.put("figures", figures);
    return m;
  }

  public static String text(Instant t) {
    return t == null ? null : t.toString();
  }
}
