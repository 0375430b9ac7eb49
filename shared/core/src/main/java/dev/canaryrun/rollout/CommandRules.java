package dev.canaryrun.rollout;

import static dev.canaryrun.rollout.RolloutState.CANARY;
import static dev.canaryrun.rollout.RolloutState.DEPLOYING;
import static dev.canaryrun.rollout.RolloutState.FAILED;
import static dev.canaryrun.rollout.RolloutState.PAUSED;
import static dev.canaryrun.rollout.RolloutState.PROMOTED;
import static dev.canaryrun.rollout.RolloutState.PROMOTING;
import static dev.canaryrun.rollout.RolloutState.ROLLED_BACK;
import static dev.canaryrun.rollout.RolloutState.SUPERSEDED;
import static dev.canaryrun.rollout.RolloutState.VERIFYING;
import static dev.canaryrun.rollout.Transitions.notification;
import static dev.canaryrun.rollout.Transitions.reject;
import static dev.canaryrun.rollout.Transitions.transition;

import dev.canaryrun.rollout.Effect.SetTraffic;
import dev.canaryrun.rollout.RolloutEvent.Command;
import dev.canaryrun.rollout.RolloutEvent.RefusedCommand;
import dev.canaryrun.rollout.RolloutEvent.ServiceRollouts;
import java.time.Instant;
import java.util.List;

/**
 * Operator commands. Every rejection is decided here, including those that depend on the
 * service's other rollouts (the command carries the service's pointers as it found them) and
 * malformed commands that name this rollout, so that one code path audits them all.
 */
final class CommandRules {
  private CommandRules() {}

  static Decision refused(Rollout r, RefusedCommand c, Instant now) {
    String what = c.refusal() == RefusedCommand.Refusal.MALFORMED ? "malformed command"
        : "command";
    return reject(r, c, what, c.actor(), now, c.problem());
  }

  static Decision command(Rollout r, Command c, Instant now) {
    if (r.policy().observeOnly()) {
      return reject(r, c, now, "rollout " + r.id() + " observes " + r.service()
          + " (policy mode observe): canaryrun changes no traffic there, so "
          + c.command().name().toLowerCase() + " does not apply; your pipeline moves traffic");
    }
    String refused = refusedByServiceRollouts(r, c);
    if (refused != null) {
      return reject(r, c, now, refused);
    }
    String by = " (" + c.actor() + ": " + c.reason() + ")";
    RolloutState s = r.state();
    return switch (c.command()) {
      case PAUSE -> pause(r, c, now, by);
      case RESUME -> s == PAUSED
          ? SharedMoves.resume(r, r, c, now, c.actor(), "resumed" + by)
          : reject(r, c, now, "resume applies to a PAUSED rollout, not " + s);
      case PROMOTE -> promote(r, c, now, by);
      case ROLLBACK -> rollBack(r, c, now, by);
      case RETRY -> {
        if (s != ROLLED_BACK && s != FAILED && s != SUPERSEDED) {
          yield reject(r, c, now,
              "retry applies to a ROLLED_BACK, FAILED or SUPERSEDED rollout, not " + s);
        }
        if (r.traffic().pending()) {
          yield reject(r, c, now,
              "the candidate's return to 0% is not confirmed yet; retry after it is");
        }
        yield restart(r, c, now, by);
      }
      // A drill command reaches a rollout only when one is in flight (or it names one).
      case DRILL -> reject(r, c, now, r.state().terminal()
          ? "a drill is a rollout of its own: it takes no rollout id"
          : "a drill never starts while a rollout is in flight: " + r.id() + " is " + s
              + (r.traffic().candidatePercent() > 0
                  ? " with the candidate at " + r.traffic().candidatePercent() + "%" : "")
              + "; run the drill when it has ended");
    };
  }

  /**
   * Retry and rollback may name a past rollout, but only the service's latest: an older one's
   * stable revision is long gone. Retry waits for the rollout in flight to end.
   */
  private static String refusedByServiceRollouts(Rollout r, Command c) {
    ServiceRollouts svc = c.service();
    if (!svc.known()) {
      return null;
    }
    boolean historical = c.command() == CommandType.RETRY || c.command() == CommandType.ROLLBACK;
    if (historical && !r.id().equals(svc.inFlight()) && !r.id().equals(svc.latest())) {
      return "rollout " + r.id() + " is not the service's latest (latest: " + svc.latest()
          + "); only the latest rollout can be retried or rolled back";
    }
    if (c.command() == CommandType.RETRY && svc.inFlight() != null
        && !svc.inFlight().equals(r.id())) {
      return "rollout " + svc.inFlight() + " is in flight";
    }
    return null;
  }

  private static Decision pause(Rollout r, Command c, Instant now, String by) {
    RolloutState s = r.state();
    if (s != CANARY && s != PAUSED) {
      return reject(r, c, now, "pause applies to a rollout in CANARY or PAUSED, not " + s);
    }
    Pause p = new Pause(c.actor(), c.reason(), c.expiresAt(), c.atExpiry());
    String until = c.expiresAt() == null ? "until resumed"
        : "until " + c.expiresAt() + ", then " + c.atExpiry().name().toLowerCase();
    Rollout next = r.paused(p, s == PAUSED ? r.stateSince() : now,
        "paused at " + r.traffic().candidatePercent() + "% " + until + by);
    return transition(r, next, c, now, c.actor(), next.reason(), null,
        List.of(notification(NotificationType.PAUSED, next, next.reason())));
  }

  private static Decision promote(Rollout r, Command c, Instant now, String by) {
    RolloutState s = r.state();
    if (s == PAUSED && r.pause().gate()) {
      return Gates.approve(r, c, now, by);
    }
    if (s == RolloutState.BAKING) {
      return BakePhase.endedBy(r, c, now, by);
    }
    if (s != VERIFYING && s != CANARY && s != PAUSED) {
      return reject(r, c, now,
          "promote applies to a rollout in VERIFYING, CANARY or PAUSED, not " + s);
    }
    Rollout next = r.withState(PROMOTING, -1, now, "promoting by operator" + by)
        .withTraffic(TrafficIntent.desired(100));
    return transition(r, next, c, now, c.actor(), "operator promotes the candidate to 100%" + by,
        null, List.of(SetTraffic.of(next)));
  }

  private static Decision rollBack(Rollout r, Command c, Instant now, String by) {
    return switch (r.state()) {
      case DEPLOYING, VERIFYING, CANARY, PAUSED, PROMOTING, BAKING -> SharedMoves.rollBack(r, r,
          c, now, c.actor(), "operator rolls back" + by, null);
      case PROMOTED -> r.stableRevision() == null
          ? reject(r, c, now, "no previous stable revision is known to roll back to")
          : SharedMoves.rollBack(r, r, c, now, c.actor(),
              "operator rolls back the promoted candidate to " + r.stableRevision() + by, null);
      case ROLLING_BACK, ROLLED_BACK, SUPERSEDED, FAILED, OBSERVED ->
          reject(r, c, now, "nothing to roll back: the rollout is " + r.state());
      case OBSERVING -> reject(r, c, now, "an observe-only rollout changes no traffic");
    };
  }

  private static Decision restart(Rollout r, Command c, Instant now, String by) {
    boolean deployed = r.stableRevision() != null && r.candidateUrl() != null;
    Rollout reset = r.restarted();
    Rollout next = deployed
        ? reset.withState(VERIFYING, -1, now, "retry: smoke-checking the candidate again" + by)
        : reset.withState(DEPLOYING, -1, now, "retry: deploying the candidate again" + by);
    return transition(r, next, c, now, c.actor(), next.reason(), null,
        List.of(notification(NotificationType.STARTED, next, next.reason()),
            deployed ? Transitions.smoke(next) : Transitions.deploy(next)));
  }
}
