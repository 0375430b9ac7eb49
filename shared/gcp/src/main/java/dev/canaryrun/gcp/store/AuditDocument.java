package dev.canaryrun.gcp.store;

import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.RolloutState;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code rollouts/{id}/audit/{seq}} <-> {@link AuditEntry}. */
final class AuditDocument {
  private AuditDocument() {}

  static Map<String, Object> write(AuditEntry e, long seq) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seq", seq);
    m.put("at", Fields.timestamp(e.at()));
    m.put("cause", e.cause());
    m.put("eventType", e.eventType());
    m.put("actor", e.actor());
    m.put("from", e.from().name());
    m.put("to", e.to().name());
    m.put("trafficBefore", e.trafficBefore());
    m.put("trafficAfter", e.trafficAfter());
    m.put("message", e.message());
    m.put("verdict", VerdictFields.write(e.verdict()));
    if (e.report() != null) {
      m.put("report", ReportFields.write(e.report()));
    }
    return m;
  }

  static AuditEntry read(String where, Map<String, Object> data) {
    Fields f = new Fields(data, where);
    return new AuditEntry(f.instant("at"), f.string("cause"), f.string("eventType"),
        f.string("actor"), f.enumValue("from", RolloutState.class),
        f.enumValue("to", RolloutState.class), f.intValue("trafficBefore"),
        f.intValue("trafficAfter"), f.string("message"), VerdictFields.read(f, "verdict"),
        ReportFields.read(f, "report"));
  }
}
