package dev.canaryrun.rollout;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of one event: what kind of decision it is, the rollout's next state, the effects
 * to carry out, and what to write in the audit trail.
 *
 * <ul>
 *   <li>{@link Kind#NOOP}: stale or irrelevant; acked, nothing written, no effects.
 *   <li>{@link Kind#REJECTED}: an operator command that cannot apply; the rollout is saved
 *       unchanged with one audit entry, and the rejection is notified.
 *   <li>{@link Kind#CHANGED}: state, traffic intent, evidence or incidents changed (with their
 *       audit entries, if any), then the effects run.
 * </ul>
 */
public record Decision(Kind kind, Rollout next, List<Effect> effects, List<AuditEntry> audit) {
  public enum Kind { NOOP, REJECTED, CHANGED }

  public Decision {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(next, "next");
    effects = List.copyOf(effects);
    audit = List.copyOf(audit);
    if (kind == Kind.NOOP && (!effects.isEmpty() || !audit.isEmpty())) {
      throw new IllegalArgumentException("a no-op has no effects and no audit entry");
    }
    if (kind == Kind.REJECTED && audit.size() != 1) {
      throw new IllegalArgumentException("a rejection has exactly one audit entry");
    }
  }

  public static Decision noop(Rollout r) {
    return new Decision(Kind.NOOP, r, List.of(), List.of());
  }

  public static Decision changed(Rollout next, List<Effect> effects, List<AuditEntry> audit) {
    return new Decision(Kind.CHANGED, next, effects, audit);
  }

  /** Whether the store must write it (everything but a no-op). */
  public boolean saves() {
    return kind != Kind.NOOP;
  }

  public boolean rejected() {
    return kind == Kind.REJECTED;
  }

  /** The first audit message, or a placeholder for a decision that stored evidence only. */
  public String message() {
    return audit.isEmpty() ? "evidence updated" : audit.get(0).message();
  }
}
