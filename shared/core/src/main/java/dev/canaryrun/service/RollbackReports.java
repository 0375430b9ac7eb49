package dev.canaryrun.service;

import dev.canaryrun.port.RolloutStore;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.report.RollbackReport;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Decision;
import dev.canaryrun.rollout.Effect;
import dev.canaryrun.rollout.Effect.Notify;
import dev.canaryrun.rollout.NotificationType;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Puts the rollback report into a decision that ends a rollback, before it is saved: onto the
 * audit entry of the transition into ROLLED_BACK, and into the ROLLED_BACK notification's
 * details ({@code report}, its {@link RollbackReport#fields()}).
 *
 * <p>Why here and not in the machine: the report is built from the whole audit trail, which
 * the pure machine never sees (it decides on the rollout document alone, and must stay total
 * and I/O-free). Why not after the save, as an entry of its own: then a crash between the two
 * saves would lose it, and a redelivery could not tell whether it was written. Attached to
 * the transition's own entry, it is written in the transition's transaction and deduplicated
 * with it by event id: a redelivered TrafficApplied is a no-op or a DUPLICATE and writes
 * nothing, so the report exists exactly once per rollback.
 *
 * <p>The trail is read once per rollback, only when a decision's new state is ROLLED_BACK and
 * the stored state was not: after Cloud Run confirmed 0%, so the read never delays taking
 * traffic away from the candidate, only the record of it. It is read after the rollout, and
 * entries are written in the rollout's transaction, so it holds every entry up to the version
 * the decision is based on;
 * a concurrent save makes this save CONFLICT and the loop decides (and reads) again. A failed
 * read is logged and the rollback recorded without its report: the report must never stand
 * in the way of recording a rollback ({@code canaryrun explain} then rebuilds it).
 */
final class RollbackReports {
  /** Reads of the trail before the rollback is recorded without its report. */
  static final int TRAIL_READ_ATTEMPTS = 3;

  private final RolloutStore store;

  RollbackReports(RolloutStore store) {
    this.store = store;
  }

  /** {@code d} with the report attached when it takes {@code before} into ROLLED_BACK. */
  Decision attach(Rollout before, Decision d) {
    if (d.next().state() != RolloutState.ROLLED_BACK
        || before.state() == RolloutState.ROLLED_BACK
        || d.audit().stream().noneMatch(AuditEntry::endsRollback)) {
      return d;
    }
    List<AuditEntry> trail = null;
    RuntimeException failure = null;
    // A transient read failure (a connection cut under the read) is tried again: the report
    // is written only here, with the transition, so giving up on one blip loses it for good.
    for (int attempt = 1; attempt <= TRAIL_READ_ATTEMPTS && trail == null; attempt++) {
      try {
        trail = new ArrayList<>(store.audit(before.id()));
      } catch (TransientFailure e) {
        failure = e;
      } catch (RuntimeException e) {
        failure = e;
        break;
      }
    }
    if (trail == null) {
      DecisionLog.warn("rolled back without its report: the audit trail could not be read ("
          + failure.getMessage() + "); canaryrun explain rebuilds it", "rolloutId", before.id(),
          "service", before.service());
      return d;
    }
    trail.addAll(d.audit());
    Optional<RollbackReport> report = RollbackReport.of(d.next(), trail);
    return report.map(r -> with(d, r)).orElse(d);
  }

  private static Decision with(Decision d, RollbackReport report) {
    List<AuditEntry> audit = new ArrayList<>(d.audit());
    for (int i = audit.size() - 1; i >= 0; i--) {
      if (audit.get(i).endsRollback()) {
        audit.set(i, audit.get(i).withReport(report));
        break;
      }
    }
    List<Effect> effects = new ArrayList<>();
    for (Effect e : d.effects()) {
      if (e instanceof Notify n && n.type() == NotificationType.ROLLED_BACK) {
        Map<String, Object> details = new LinkedHashMap<>(n.details());
        details.put("report", report.fields());
        effects.add(new Notify(n.type(), n.message(), details));
      } else {
        effects.add(e);
      }
    }
    return new Decision(d.kind(), d.next(), effects, audit);
  }
}
