package dev.canaryrun.gcp.store;

import dev.canaryrun.report.DrillReport;
import dev.canaryrun.rollout.Drill;
import dev.canaryrun.rollout.DrillCheck;
import dev.canaryrun.rollout.DrillTimes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A drill in Firestore (docs/CONTRACT.md): the rollout's {@code drill} map (what the drill is,
 * and its checks before it started), its {@code drillTimes} map, and the report document
 * {@code drills/{rolloutId}}. Times are timestamps; absent values null.
 */
final class DrillFields {
  private DrillFields() {}

  static Map<String, Object> write(Drill d) {
    if (d == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requestedBy", d.requestedBy());
    m.put("reason", d.reason());
    m.put("stableRevision", d.stableRevision());
    m.put("checks", checks(d.checks()));
    return m;
  }

  static Drill readDrill(Fields f) {
    return f == null ? null : new Drill(f.string("requestedBy"), f.string("reason"),
        f.string("stableRevision"), checks(f, "checks"));
  }

  static Map<String, Object> write(DrillTimes t) {
    if (t == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("firedAt", Fields.timestamp(t.firedAt()));
    m.put("alertPublishedAt", Fields.timestamp(t.alertPublishedAt()));
    m.put("rollbackDecidedAt", Fields.timestamp(t.rollbackDecidedAt()));
    return m;
  }

  static DrillTimes readTimes(Fields f) {
    return f == null ? null : new DrillTimes(f.optInstant("firedAt"),
        f.optInstant("alertPublishedAt"), f.optInstant("rollbackDecidedAt"));
  }

  static Map<String, Object> write(DrillReport r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rolloutId", r.rolloutId());
    m.put("service", r.service());
    m.put("region", r.region());
    m.put("image", r.image());
    m.put("stableRevision", r.stableRevision());
    m.put("drillRevision", r.drillRevision());
    m.put("requestedBy", r.requestedBy());
    m.put("reason", r.reason());
    m.put("startedAt", Fields.timestamp(r.startedAt()));
    m.put("endedAt", Fields.timestamp(r.endedAt()));
    m.put("outcome", r.outcome().name());
    m.put("summary", r.summary());
    m.put("checks", checks(r.checks()));
    m.put("alertPublishedAt", Fields.timestamp(r.alertPublishedAt()));
    m.put("rollbackDecidedAt", Fields.timestamp(r.rollbackDecidedAt()));
    m.put("zeroServedAt", Fields.timestamp(r.zeroServedAt()));
    // The figures, stored as well as derivable, for queries and the console.
    m.put("alertToDecisionMillis", r.alertToDecisionMillis());
    m.put("alertToZeroMillis", r.alertToZeroMillis());
    return m;
  }

  static DrillReport readReport(String id, Map<String, Object> data) {
    Fields f = new Fields(data, "drills/" + id);
    return new DrillReport(f.string("rolloutId"), f.string("service"), f.string("region"),
        f.string("image"), f.string("stableRevision"), f.string("drillRevision"),
        f.string("requestedBy"), f.string("reason"), f.optInstant("startedAt"),
        f.optInstant("endedAt"), f.enumValue("outcome", DrillReport.Outcome.class),
        f.string("summary"), checks(f, "checks"), f.optInstant("alertPublishedAt"),
        f.optInstant("rollbackDecidedAt"), f.optInstant("zeroServedAt"));
  }

  private static List<Map<String, Object>> checks(List<DrillCheck> checks) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (DrillCheck c : checks) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", c.name());
      m.put("passed", c.passed());
      m.put("detail", c.detail());
      m.put("at", Fields.timestamp(c.at()));
      m.put("millis", c.millis());
      out.add(m);
    }
    return out;
  }

  private static List<DrillCheck> checks(Fields f, String name) {
    List<DrillCheck> out = new ArrayList<>();
    List<Object> list = f.list(name);
    for (int i = 0; i < list.size(); i++) {
      Fields c = f.element(name, i, list.get(i));
      Object ms = c.asMap().get("millis");
      out.add(new DrillCheck(c.string("name"), c.bool("passed"), c.string("detail"),
          c.optInstant("at"), ms instanceof Number n ? n.longValue() : null));
    }
    return out;
  }
}
