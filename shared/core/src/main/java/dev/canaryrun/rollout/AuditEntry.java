package dev.canaryrun.rollout;

import dev.canaryrun.judge.Verdict;
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
    Verdict verdict) {

  public AuditEntry {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(eventType, "eventType");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(message, "message");
  }

  public boolean shiftsTraffic() {
    return trafficBefore != trafficAfter;
  }
}
