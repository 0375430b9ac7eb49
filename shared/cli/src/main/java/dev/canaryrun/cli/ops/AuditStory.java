package dev.canaryrun.cli.ops;

import dev.canaryrun.judge.Check;
import dev.canaryrun.report.RollbackReport;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code canaryrun explain}: the audit trail as a story, one paragraph per entry: when
 * (since the first entry), who, what changed (state, traffic), why, and for a judged decision
 * every check with its numbers and thresholds; a rollback ends with its {@link RollbackReport}:
 * the one the controller stored when it exists, else one computed from the trail (rollouts
 * that ended before reports were stored, or one still rolling back).
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
    Optional<RollbackReport> stored = RollbackReport.stored(r, audit);
    Optional<RollbackReport> report = stored.isPresent() ? stored : RollbackReport.of(r, audit);
    report.ifPresent(rep -> {
      out.add("");
      out.addAll(rep.lines());
      out.add("  source     " + source(r, stored.isPresent()));
    });
    return out;
  }

  /** The stored report or the one {@link RollbackReport#of} computes, for {@code explain}. */
  static Optional<RollbackReport> report(Rollout r, List<AuditEntry> audit) {
    Optional<RollbackReport> stored = RollbackReport.stored(r, audit);
    return stored.isPresent() ? stored : RollbackReport.of(r, audit);
  }

  static String source(Rollout r, boolean stored) {
    // Say which: a stored report is what was written (and, by the controller, notified) as
    // the rollback was recorded; a computed one is today's reading of the trail.
    if (stored) {
      return "stored in the audit trail when the rollback was recorded";
    }
    return r.state() == RolloutState.ROLLED_BACK
        ? "computed from the audit trail (this rollback was recorded without a stored report)"
        : "computed from the audit trail so far (still " + r.state() + ")";
  }
}
