package dev.canaryrun.gcp.store;

import dev.canaryrun.judge.Check;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A verdict as a map: outcome, summary and every check with its figures, so that the audit
 * trail and the rollout document show the numbers behind a decision without decoding.
 */
final class VerdictFields {
  private VerdictFields() {}

  static Map<String, Object> write(Verdict v) {
    if (v == null) {
      return null;
    }
    List<Map<String, Object>> checks = new ArrayList<>();
    for (Check c : v.checks()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", c.name());
      m.put("outcome", c.outcome().name());
      m.put("explanation", c.explanation());
      m.put("figures", new LinkedHashMap<>(c.figures()));
      checks.add(m);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("outcome", v.outcome().name());
    m.put("summary", v.summary());
    m.put("checks", checks);
    return m;
  }

  /** Null when the field is absent. */
  static Verdict read(Fields parent, String name) {
    Fields f = parent.optMap(name);
    if (f == null) {
      return null;
    }
    List<Check> checks = new ArrayList<>();
    List<Object> stored = f.list("checks");
    for (int i = 0; i < stored.size(); i++) {
      Fields c = f.element("checks", i, stored.get(i));
      checks.add(new Check(c.string("name"), c.enumValue("outcome", Outcome.class),
          c.string("explanation"), c.doubles("figures")));
    }
    return new Verdict(f.enumValue("outcome", Outcome.class), f.string("summary"), checks);
  }
}
