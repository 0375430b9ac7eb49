package dev.canaryrun.rollout;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of one event: the rollout's next state, the effects to carry out, and what to
 * write in the audit trail. {@code changed} is false for no-ops (stale or irrelevant events),
 * which the service acks without writing anything.
 */
public record Decision(Rollout next, List<Effect> effects, List<AuditEntry> audit, boolean changed) {
  public Decision {
    Objects.requireNonNull(next, "next");
    effects = List.copyOf(effects);
    audit = List.copyOf(audit);
  }

  public static Decision noop(Rollout r) {
    return new Decision(r, List.of(), List.of(), false);
  }
}
