package dev.canaryrun.rollout;

import dev.canaryrun.judge.Verdict;
import dev.canaryrun.report.RollbackReport;
import java.time.Instant;
import java.util.Objects;

/**
 * One line of a rollout's audit trail: what happened, why, and the numbers behind it.
 *
 * @param cause the id of the event that caused it
 * @param actor who: an operator, or "canaryrun" for automatic decisions, or the event source
 * @param trafficBefore candidate percent before
 * @param trafficAfter candidate percent desired after (equal to before when traffic is untouched)
 * @param verdict the verdict behind an automatic decision; null otherwise
 * @param report on the entry that ends a rollback (the transition into ROLLED_BACK), the
 *     rollback's report as the engine assembled it from the audit trail; null otherwise. The
 *     machine never sets it (it does not see the trail): the service layer attaches it before
 *     the save, so the report is written in the same transaction as the transition, once.
 */
public record AuditEntry(
    Instant at,
    String cause,
    String eventType,
    String actor,
    RolloutState from,
    RolloutState to,
    int trafficBefore,
    int trafficAfter,
    String message,
    Verdict verdict,
    RollbackReport report) {

  public AuditEntry {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(eventType, "eventType");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(message, "message");
  }

  /** An entry without a report: every entry the machine writes. */
  public AuditEntry(Instant at, String cause, String eventType, String actor, RolloutState from,
      RolloutState to, int trafficBefore, int trafficAfter, String message, Verdict verdict) {
    this(at, cause, eventType, actor, from, to, trafficBefore, trafficAfter, message, verdict,
        null);
  }

  public AuditEntry withReport(RollbackReport r) {
    return new AuditEntry(at, cause, eventType, actor, from, to, trafficBefore, trafficAfter,
        message, verdict, r);
  }

  /** Whether this entry takes the rollout into ROLLED_BACK (where its report belongs). */
  public boolean endsRollback() {
    return to == RolloutState.ROLLED_BACK && from != RolloutState.ROLLED_BACK;
  }

  /** Cloud Run confirmed the candidate's share: the controller's write, or a direct rollback. */
  public boolean confirmsTraffic() {
    return eventType.equals("TrafficApplied") || eventType.equals("DirectRollback");
  }

  public boolean shiftsTraffic() {
    return trafficBefore != trafficAfter;
  }
}
