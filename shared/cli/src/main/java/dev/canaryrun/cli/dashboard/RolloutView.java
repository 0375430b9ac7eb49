package dev.canaryrun.cli.dashboard;

import dev.canaryrun.cli.ops.RolloutJson;
import dev.canaryrun.judge.Check;
import dev.canaryrun.port.MetricsReader;
import dev.canaryrun.port.RolloutStore;
import dev.canaryrun.report.EvidencePoint;
import dev.canaryrun.report.RollbackReport;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Rollout;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /api/rollouts/{id}}: everything the rollout page draws, in one document: the
 * rollout as {@code canaryrun get -o json} shows it, the step timeline and holds, the traffic
 * share, the e-values of every test per judged tick with their thresholds, the per-bucket
 * metrics, the verdict's outlook, the audit trail and the rollback report.
 */
final class RolloutView {
  private RolloutView() {}

  /** {@code metrics} is asked only for a rollout that exists (its client may fail to open). */
  static Optional<Map<String, Object>> of(String id, RolloutStore store,
      Supplier<MetricsReader> metrics, Instant now) {
    Optional<Rollout> found = store.find(id);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Rollout r = found.get();
    List<AuditEntry> audit = store.audit(id);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("now", now.toString());
    m.put("rollout", RolloutJson.rollout(r));
    m.put("steps", Timeline.steps(r, audit, now));
    m.put("holds", Timeline.holds(audit));
    m.put("traffic", Timeline.traffic(r, audit, now));
    m.put("evidence", evidence(store.evidence(id)));
    m.put("metrics", MetricSeries.of(r, metrics, now));
    m.put("outlook", outlook(r));
    m.put("audit", RolloutJson.audit(audit));
    // The report the engine stored as the rollback was recorded; for an older rollout (or one
    // still rolling back), today's reading of its trail.
    Optional<RollbackReport> stored = RollbackReport.stored(r, audit);
    m.put("report", stored.or(() -> RollbackReport.of(r, audit)).map(RollbackReport::lines)
        .orElse(null));
    m.put("reportStored", stored.isPresent());
    return Optional.of(m);
  }

  /**
   * uPlot columns per test: {@code t}, then for each test its fail and pass e-values, and the
   * thresholds (constant per test; kept per point should a policy change them mid-rollout).
   */
  static Map<String, Object> evidence(List<EvidencePoint> points) {
    List<Double> t = new ArrayList<>();
    Map<String, Map<String, List<Double>>> tests = new LinkedHashMap<>();
    for (EvidencePoint p : points) {
      for (EvidencePoint.Test test : p.tests()) {
        tests.computeIfAbsent(test.name(), k -> new LinkedHashMap<>());
      }
    }
    for (int i = 0; i < points.size(); i++) {
      EvidencePoint p = points.get(i);
      t.add(Timeline.seconds(p.at()));
      for (var e : tests.entrySet()) {
        EvidencePoint.Test test = p.tests().stream().filter(x -> x.name().equals(e.getKey()))
            .findFirst().orElse(null);
        add(e.getValue(), "eFail", test == null ? null : test.eFail(), i);
        add(e.getValue(), "ePass", test == null ? null : test.ePass(), i);
        add(e.getValue(), "failThreshold", test == null ? null : test.failThreshold(), i);
        add(e.getValue(), "passThreshold", test == null ? null : test.passThreshold(), i);
      }
    }
    List<Map<String, Object>> list = new ArrayList<>();
    tests.forEach((name, cols) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", name);
      m.putAll(cols);
      list.add(m);
    });
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("t", t);
    m.put("tests", list);
    m.put("outcomes", points.stream().map(p -> p.outcome().name()).toList());
    return m;
  }

  private static void add(Map<String, List<Double>> cols, String name, Double v, int index) {
    List<Double> col = cols.computeIfAbsent(name, k -> new ArrayList<>());
    while (col.size() < index) {
      col.add(null);
    }
    // A log-scale chart cannot draw 0, NaN or infinity: those points are gaps, not lies.
    col.add(v != null && Double.isFinite(v) && v > 0 ? v : null);
  }

  /** The verdict's "expected time to a verdict": per test, minutes to PASS at this traffic. */
  static Map<String, Object> outlook(Rollout r) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (r.lastVerdict() == null) {
      m.put("summary", "no verdict yet");
      return m;
    }
    m.put("outcome", r.lastVerdict().outcome().name());
    m.put("summary", r.lastVerdict().summary());
    List<Map<String, Object>> tests = new ArrayList<>();
    for (Check c : r.lastVerdict().checks()) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("name", c.name());
      t.put("outcome", c.outcome().name());
      t.put("minutesToPass", finite(c.figures().get("minutesToPass")));
      t.put("explanation", c.explanation());
      tests.add(t);
    }
    m.put("tests", tests);
    return m;
  }

  private static Double finite(Double v) {
    return v != null && Double.isFinite(v) ? v : null;
  }
}
