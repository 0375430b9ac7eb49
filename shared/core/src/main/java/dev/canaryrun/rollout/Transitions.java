package dev.canaryrun.rollout;

import dev.canaryrun.judge.Verdict;
import dev.canaryrun.rollout.Effect.DeployRevision;
import dev.canaryrun.rollout.Effect.LocateRevision;
import dev.canaryrun.rollout.Effect.Notify;
import dev.canaryrun.rollout.Effect.SmokeCheck;
import dev.canaryrun.rollout.RolloutEvent.Command;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How every phase of the machine writes its decisions: the audit entry, effects, rejections. */
final class Transitions {
  private Transitions() {}

  /** A change with one audit entry: from the state and traffic before to those after. */
  static Decision transition(Rollout from, Rollout to, RolloutEvent e, Instant now,
      String actor, String message, Verdict v, List<Effect> effects) {
    AuditEntry a = new AuditEntry(now, e.eventId(), e.type(), actor, from.state(), to.state(),
        from.traffic().candidatePercent(), to.traffic().candidatePercent(), message, v);
    return Decision.changed(to, effects, List.of(a));
  }

  /** A command that cannot apply: the rollout unchanged, one audit entry, one notification. */
  static Decision reject(Rollout r, Command c, Instant now, String why) {
    return reject(r, c, c.command().name().toLowerCase(), c.actor(), now, why);
  }

  /**
   * The one way a rejection is written, for well-formed commands that cannot apply and for
   * malformed ones that name a rollout alike.
   */
  static Decision reject(Rollout r, RolloutEvent e, String what, String actor, Instant now,
      String why) {
    String msg = "rejected " + what + " from " + actor + ": " + why;
    int percent = r.traffic().candidatePercent();
    AuditEntry a = new AuditEntry(now, e.eventId(), e.type(), actor, r.state(), r.state(),
        percent, percent, msg, null);
    return new Decision(Decision.Kind.REJECTED, r,
        List.of(notification(NotificationType.COMMAND_REJECTED, r, msg)), List.of(a));
  }

  /**
   * The candidate's deploy; in observe-only mode, only finding it (the team's pipeline made it,
   * and canaryrun writes nothing to Cloud Run).
   */
  static Effect deploy(Rollout r) {
    if (r.policy().observeOnly()) {
      return new LocateRevision(r.service(), r.region(), r.candidateRevision());
    }
    return new DeployRevision(r.service(), r.region(), r.image(), r.candidateRevision(),
        r.policy().candidateTag(), r.adopt(), r.policy().candidateScaling());
  }

  static SmokeCheck smoke(Rollout r) {
    return new SmokeCheck(r.service(), r.candidateRevision(), r.candidateUrl(),
        r.policy().smokeCheck());
  }

  static Notify notification(NotificationType type, Rollout r, String message) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("state", r.state().name());
    details.put("candidatePercent", r.traffic().candidatePercent());
    details.put("candidateRevision", r.candidateRevision());
    if (r.stableRevision() != null) {
      details.put("stableRevision", r.stableRevision());
    }
    if (r.isDrill()) {
      // Subscribers that page people filter on it: a drill's ROLLING_BACK is no emergency.
      details.put("drill", true);
    }
    return new Notify(type, message, details);
  }

  static Instant alignUp(Instant t, Duration period) {
    long p = period.toMillis();
    long ms = t.toEpochMilli();
    long rem = Math.floorMod(ms, p);
    return Instant.ofEpochMilli(rem == 0 ? ms : ms - rem + p);
  }
}
