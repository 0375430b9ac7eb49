package dev.canaryrun.gcp.store;

import dev.canaryrun.report.RollbackReport;
import dev.canaryrun.report.RollbackReport.Cause;
import dev.canaryrun.report.RollbackReport.Share;
import dev.canaryrun.report.RollbackReport.Trigger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A rollback report as the map field {@code report} of its audit entry: the same field names
 * as the ROLLED_BACK event's {@code details.report} ({@link RollbackReport#fields()}), with
 * times as Firestore timestamps so that the console sorts and shows them as times. Durations
 * are whole milliseconds: the report is for people, and sub-millisecond precision is noise.
 */
final class ReportFields {
  private ReportFields() {}

  static Map<String, Object> write(RollbackReport r) {
    if (r == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rolloutId", r.rolloutId());
    m.put("service", r.service());
    m.put("image", r.image());
    m.put("candidateRevision", r.candidateRevision());
    m.put("stableRevision", r.stableRevision());
    m.put("deployedAt", r.deployedAt() == null ? null : Fields.timestamp(r.deployedAt()));
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("at", Fields.timestamp(r.trigger().at()));
    t.put("cause", r.trigger().cause().name());
    t.put("actor", r.trigger().actor());
    t.put("detail", r.trigger().detail());
    m.put("trigger", t);
    List<Map<String, Object>> shares = new ArrayList<>();
    for (Share s : r.shares()) {
      Map<String, Object> sm = new LinkedHashMap<>();
      sm.put("from", Fields.timestamp(s.from()));
      sm.put("percent", s.percent());
      sm.put("lastedMillis", s.lasted().toMillis());
      shares.add(sm);
    }
    m.put("shares", shares);
    m.put("maxPercent", r.maxPercent()); // derived, stored for queries and the console
    m.put("candidateServedMillis", r.candidateServed().toMillis());
    m.put("requests", r.requests());
    m.put("excessBadRequests", r.excessBadRequests());
    m.put("triggerToZeroMillis", r.triggerToZero() == null ? null
        : r.triggerToZero().toMillis());
    return m;
  }

  /** Null when the entry has no report (every entry but a rollback's last). */
  static RollbackReport read(Fields parent, String name) {
    Fields f = parent.optMap(name);
    if (f == null) {
      return null;
    }
    Fields t = f.map("trigger");
    List<Share> shares = new ArrayList<>();
    List<Object> stored = f.list("shares");
    for (int i = 0; i < stored.size(); i++) {
      Fields s = f.element("shares", i, stored.get(i));
      shares.add(new Share(s.instant("from"), s.intValue("percent"),
          Duration.ofMillis(s.longValue("lastedMillis"))));
    }
    long toZero = f.longValue("triggerToZeroMillis", -1);
    return new RollbackReport(f.string("rolloutId"), f.string("service"), f.string("image"),
        f.string("candidateRevision"), f.optString("stableRevision"),
        f.optInstant("deployedAt"),
        new Trigger(t.instant("at"), t.enumValue("cause", Cause.class), t.string("actor"),
            t.string("detail")),
        shares, Duration.ofMillis(f.longValue("candidateServedMillis")),
        f.optDouble("requests"), f.optDouble("excessBadRequests"),
        toZero < 0 ? null : Duration.ofMillis(toZero));
  }
}
