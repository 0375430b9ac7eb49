package dev.canaryrun.gcp.store;

import dev.canaryrun.judge.Outcome;
import dev.canaryrun.report.EvidencePoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code rollouts/{id}/evidence/{version}} <-> {@link EvidencePoint}: keyed by the rollout
 * version the save wrote, so the points sort in save order and one save writes at most one.
 */
final class EvidenceDocument {
  private EvidenceDocument() {}

  static Map<String, Object> write(EvidencePoint p) {
    List<Map<String, Object>> tests = new ArrayList<>();
    for (EvidencePoint.Test t : p.tests()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", t.name());
      m.put("outcome", t.outcome().name());
      // Firestore stores NaN and infinities as doubles: an absent pass side stays NaN.
      m.put("eFail", t.eFail());
      m.put("failThreshold", t.failThreshold());
      m.put("ePass", t.ePass());
      m.put("passThreshold", t.passThreshold());
      tests.add(m);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", Fields.timestamp(p.at()));
    m.put("stepIndex", p.stepIndex());
    m.put("candidatePercent", p.candidatePercent());
    m.put("outcome", p.outcome().name());
    m.put("tests", tests);
    return m;
  }

  static EvidencePoint read(String where, Map<String, Object> data) {
    Fields f = new Fields(data, where);
    List<EvidencePoint.Test> tests = new ArrayList<>();
    List<Object> stored = f.list("tests");
    for (int i = 0; i < stored.size(); i++) {
      Fields t = f.element("tests", i, stored.get(i));
      tests.add(new EvidencePoint.Test(t.string("name"), t.enumValue("outcome", Outcome.class),
          t.doubleValue("eFail"), t.doubleValue("failThreshold"), t.doubleValue("ePass"),
          t.doubleValue("passThreshold")));
    }
    return new EvidencePoint(f.instant("at"), f.intValue("stepIndex"),
        f.intValue("candidatePercent"), f.enumValue("outcome", Outcome.class), tests);
  }
}
