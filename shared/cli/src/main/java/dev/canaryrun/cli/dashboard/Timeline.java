package dev.canaryrun.cli.dashboard;

import dev.canaryrun.cli.ops.RolloutDetail;
import dev.canaryrun.policy.Step;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Rollout;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rollout page's story in time, from the audit trail: each step planned (min and max
 * dwell) against what it got (when the candidate's share was first decided, until the next
 * share), the holds with who set them and why, and the candidate's share as Cloud Run
 * confirmed it.
 */
final class Timeline {
  private Timeline() {}

  static List<Map<String, Object>> steps(Rollout r, List<AuditEntry> audit, Instant now) {
    List<Map<String, Object>> out = new ArrayList<>();
    List<Step> steps = r.policy().steps();
    Instant end = r.ended() ? r.updatedAt() : now;
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      Instant started = RolloutDetail.stepStart(audit, s.percent());
      Instant left = started == null ? null : firstLeft(audit, s.percent(), started);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("index", i);
      m.put("percent", s.percent());
      m.put("minDwellSeconds", s.minDwell().toSeconds());
      m.put("maxDwellSeconds", s.maxDwell().toSeconds());
      m.put("startedAt", text(started));
      m.put("endedAt", text(left));
      m.put("actualSeconds", started == null ? null
          : Duration.between(started, left != null ? left : end).toSeconds());
      m.put("current", i == r.stepIndex() && !r.state().terminal());
      out.add(m);
    }
    return out;
  }

  /** Pauses, resumes and every other operator command, with the actor and the reason. */
  static List<Map<String, Object>> holds(List<AuditEntry> audit) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (AuditEntry a : audit) {
      if (a.eventType().startsWith("Command.") || a.eventType().equals("DirectRollback")
          || a.eventType().equals("RefusedCommand")) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", a.at().toString());
        m.put("kind", a.eventType());
        m.put("actor", a.actor());
        m.put("from", a.from().name());
        m.put("to", a.to().name());
        m.put("message", a.message());
        out.add(m);
      }
    }
    return out;
  }

  /**
   * uPlot columns of the candidate's share: 0% at creation, each share Cloud Run confirmed,
   * and the last share held to now (or to the end).
   */
  static Map<String, Object> traffic(Rollout r, List<AuditEntry> audit, Instant now) {
    List<Double> t = new ArrayList<>();
    List<Integer> percent = new ArrayList<>();
    t.add(seconds(r.createdAt()));
    percent.add(0);
    for (AuditEntry a : audit) {
      if (a.confirmsTraffic()) {
        t.add(seconds(a.at()));
        percent.add(a.trafficAfter());
      }
    }
    Instant end = r.ended() ? r.updatedAt() : now;
    if (seconds(end) > t.get(t.size() - 1)) {
      t.add(seconds(end));
      percent.add(percent.get(percent.size() - 1));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("t", t);
    m.put("percent", percent);
    return m;
  }

  static double seconds(Instant i) {
    return i.getEpochSecond() + i.getNano() / 1e9;
  }

  private static Instant firstLeft(List<AuditEntry> audit, int percent, Instant after) {
    for (AuditEntry a : audit) {
      if (a.trafficBefore() == percent && a.trafficAfter() != percent && a.at().isAfter(after)) {
        return a.at();
      }
    }
    return null;
  }

  private static String text(Instant i) {
    return i == null ? null : i.toString();
  }
}
