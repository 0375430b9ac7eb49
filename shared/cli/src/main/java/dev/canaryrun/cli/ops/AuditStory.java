package dev.canaryrun.cli.ops;

import dev.canaryrun.judge.Check;
import dev.canaryrun.report.RollbackReport;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Rollout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code canaryrun explain}: the audit trail as a story, one paragraph per entry: when
 * (since the first entry), who, what changed (state, traffic), why, and for a judged decision
 * every check with its numbers and thresholds; a rollback ends with its {@link RollbackReport}.
 */
final class AuditStory {
  private AuditStory() {}

  static List<String> lines(Rollout r, List<AuditEntry> audit) {
    List<String> out = new ArrayList<>();
    out.add("Rollout " + r.id() + " of " + r.service() + ": " + r.image());
    if (audit.isEmpty()) {
      out.add("  (no audit entries)");
      return out;
    }
    var start = audit.get(0).at();
    for (AuditEntry a : audit) {
      StringBuilder b = new StringBuilder();
      b.append(String.format("%8s  ", "+" + Human.duration(Duration.between(start, a.at()))));
      b.append(a.actor()).append(": ").append(a.eventType());
      if (a.from() != a.to()) {
        b.append(", ").append(a.from()).append(" -> ").append(a.to());
      }
      if (a.trafficBefore() != a.trafficAfter()) {
        b.append(", traffic ").append(a.trafficBefore()).append("% -> ")
            .append(a.trafficAfter()).append('%');
      }
      out.add(b.toString());
      out.add("          " + a.message());
      if (a.verdict() != null && a.from() != a.to()) {
        for (Check c : a.verdict().checks()) {
          out.add("            " + c.name() + " " + c.outcome() + ": " + c.explanation());
        }
      }
    }
    RollbackReport.of(r, audit).ifPresent(report -> {
      out.add("");
      out.addAll(report.lines());
    });
    return out;
  }
}
