package dev.canaryrun.rollout;

import static dev.canaryrun.rollout.RolloutState.CANARY;
import static dev.canaryrun.rollout.RolloutState.DEPLOYING;
import static dev.canaryrun.rollout.RolloutState.FAILED;
import static dev.canaryrun.rollout.RolloutState.PAUSED;
import static dev.canaryrun.rollout.RolloutState.PROMOTED;
import static dev.canaryrun.rollout.RolloutState.PROMOTING;
import static dev.canaryrun.rollout.RolloutState.ROLLED_BACK;
import static dev.canaryrun.rollout.RolloutState.ROLLING_BACK;
import static dev.canaryrun.rollout.RolloutState.SUPERSEDED;
import static dev.canaryrun.rollout.RolloutState.VERIFYING;

import dev.canaryrun.judge.JudgeState;
import dev.canaryrun.judge.Judgement;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.policy.Step;
import dev.canaryrun.rollout.Effect.DeployRevision;
import dev.canaryrun.rollout.Effect.Notify;
import dev.canaryrun.rollout.Effect.ScheduleTick;
import dev.canaryrun.rollout.Effect.SetTraffic;
import dev.canaryrun.rollout.Effect.SmokeCheck;
import dev.canaryrun.rollout.RolloutEvent.AlertFired;
import dev.canaryrun.rollout.RolloutEvent.AlertResolved;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import dev.canaryrun.rollout.RolloutEvent.Command;
import dev.canaryrun.rollout.RolloutEvent.DeployCompleted;
import dev.canaryrun.rollout.RolloutEvent.DeployFailed;
import dev.canaryrun.rollout.RolloutEvent.NewerBuild;
import dev.canaryrun.rollout.RolloutEvent.SmokeCheckFailed;
import dev.canaryrun.rollout.RolloutEvent.SmokeCheckPassed;
import dev.canaryrun.rollout.RolloutEvent.Tick;
import dev.canaryrun.rollout.RolloutEvent.TrafficApplied;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rollout state machine: {@code decide(rollout, event, now)} is total over state x event,
 * pure (no I/O, time passed in) and deterministic. The policy comes from the rollout's own
 * snapshot. Terminal states ignore everything but {@code retry} (and the confirmation of a
 * traffic intent still pending, e.g. a superseded candidate going back to 0%).
 */
public final class RolloutMachine {
  /** The actor of automatic decisions in the audit trail. */
  public static final String CONTROLLER = "canaryrun";

  /** A deploy that has not reported back after this long is re-driven on the next tick. */
  static final Duration DEPLOY_REDRIVE_AFTER = Duration.ofMinutes(5);
  /** Likewise for a smoke check (its attempts and timeouts are far shorter than this). */
  static final Duration SMOKE_REDRIVE_AFTER = Duration.ofMinutes(2);

  /** Starts a rollout for a successful build: the candidate is deployed with no traffic. */
  public Decision start(BuildSucceeded e, RolloutPolicy policy, Instant now) {
    String id = RolloutIds.forStart(e); // by revision when adopting: one change, one rollout
    boolean adopt = e.adoptRevision() != null;
    String candidate = adopt ? e.adoptRevision() : id;
    Rollout r = new Rollout(id, e.service(), e.region(), e.image(), e.buildId(), e.occurredAt(),
        candidate, null,
        null, adopt, policy, DEPLOYING, -1, now, TrafficIntent.none(), null, null, null, Set.of(),
        (adopt ? "adopting revision " + candidate : "deploying " + e.image()) + " with no traffic",
        now, now, 0);
    AuditEntry audit = new AuditEntry(now, e.eventId(), e.type(), "cloud-build", DEPLOYING,
        DEPLOYING, 0, 0, "build " + e.buildId() + " succeeded: " + r.reason(), null);
    return new Decision(r,
        // Notifications go first: effects run in order, and a decision's own notification must
        // not follow the notifications of the events its effects cause.
        List.of(notify(NotificationType.STARTED, r, "rollout started: " + r.reason()), deploy(r)),
        List.of(audit), true);
  }

  /**
   * The work a rollout is waiting on when its triggering event is redelivered: the deploy of a
   * DEPLOYING rollout or the smoke check of a VERIFYING one (both idempotent). A redelivery
   * means the first delivery failed part-way, so waiting for the next stuck-check would only
   * delay the release.
   */
  public List<Effect> unfinishedWork(Rollout r) {
    return switch (r.state()) {
      case DEPLOYING -> List.of(deploy(r));
      case VERIFYING -> List.of(smoke(r));
      default -> List.of();
    };
  }

  public Decision decide(Rollout r, RolloutEvent event, Instant now) {
    // Java 17 has no pattern switch; the sealed interface keeps this list complete, and the
    // state x event table test proves every pair has a defined outcome.
    if (event instanceof BuildSucceeded) {
      return Decision.noop(r); // the service creates rollouts; a redelivery is a no-op
    } else if (event instanceof NewerBuild e) {
      return onNewerBuild(r, e, now);
    } else if (event instanceof DeployCompleted e) {
      return onDeployCompleted(r, e, now);
    } else if (event instanceof DeployFailed e) {
      return r.state() == DEPLOYING
          ? fail(r, e, now, "deploy failed: " + e.reason())
          : Decision.noop(r);
    } else if (event instanceof SmokeCheckPassed e) {
      return onSmokePassed(r, e, now);
    } else if (event instanceof SmokeCheckFailed e) {
      return r.state() == VERIFYING
          ? fail(r, e, now, "smoke check failed: " + e.detail())
          : Decision.noop(r);
    } else if (event instanceof Tick e) {
      return onTick(r, e, now);
    } else if (event instanceof AlertFired e) {
      return onAlertFired(r, e, now);
    } else if (event instanceof AlertResolved e) {
      return onAlertResolved(r, e, now);
    } else if (event instanceof Command e) {
      return onCommand(r, e, now);
    } else if (event instanceof TrafficApplied e) {
      return onTrafficApplied(r, e, now);
    }
    throw new IllegalStateException("unhandled event type " + event.getClass().getName());
  }

  // ---- deploy and verify -------------------------------------------------------------------

  private Decision onDeployCompleted(Rollout r, DeployCompleted e, Instant now) {
    if (r.state() != DEPLOYING) {
      return Decision.noop(r);
    }
    Rollout next = r.withDeployment(e.stableRevision(), e.candidateUrl())
        .withState(VERIFYING, -1, now, "smoke-checking " + e.candidateUrl()
            + r.policy().smokeCheck().path() + " at 0% traffic");
    return transition(r, next, e, now, CONTROLLER,
        "candidate " + r.candidateRevision() + " deployed with no traffic (stable: "
            + e.stableRevision() + "); smoke check next", null, List.of(smoke(next)));
  }

  private Decision onSmokePassed(Rollout r, SmokeCheckPassed e, Instant now) {
    if (r.state() != VERIFYING) {
      return Decision.noop(r);
    }
    Step first = r.policy().step(0);
    Rollout next = r.withState(CANARY, 0, now, "step 1: " + first.percent() + "% to the candidate")
        .withTraffic(TrafficIntent.desired(first.percent()))
        .withJudge(JudgeState.startingAt(alignUp(now, r.policy().metrics().alignmentPeriod())),
            null);
    return transition(r, next, e, now, CONTROLLER,
        "smoke check passed (" + e.detail() + "); step 1 of " + r.policy().steps().size() + ": "
            + first.percent() + "% to the candidate for at least " + first.minDwell(),
        null, List.of(notify(NotificationType.STEP_ADVANCED, next, next.reason()),
            SetTraffic.of(next)));
  }

  private Decision fail(Rollout r, RolloutEvent e, Instant now, String why) {
    Rollout next = r.withState(FAILED, -1, now, why + " (no user traffic was served)");
    return transition(r, next, e, now, CONTROLLER, next.reason(), null,
        List.of(notify(NotificationType.FAILED, next, next.reason())));
  }

  // ---- ticks ---------------------------------------------------------------------------------

  private Decision onTick(Rollout r, Tick e, Instant now) {
    if (e.expectedStep() != null && e.expectedStep() != r.stepIndex()) {
      return Decision.noop(r); // a follow-up for a step the rollout has already left
    }
    return switch (r.state()) {
      case DEPLOYING -> redriveIfStuck(r, e, now, DEPLOY_REDRIVE_AFTER, deploy(r), "deploy");
      case VERIFYING -> redriveIfStuck(r, e, now, SMOKE_REDRIVE_AFTER, smoke(r), "smoke check");
      case CANARY, PAUSED -> judgeTick(r, e, now);
      // Pending traffic of these is re-driven by the service, not decided here.
      case PROMOTING, ROLLING_BACK, PROMOTED, ROLLED_BACK, SUPERSEDED, FAILED -> Decision.noop(r);
    };
  }

  private Decision redriveIfStuck(Rollout r, Tick e, Instant now, Duration after, Effect effect,
      String what) {
    Duration waited = Duration.between(r.stateSince(), now);
    if (waited.compareTo(after) < 0) {
      return Decision.noop(r);
    }
    Rollout next = r.withState(r.state(), r.stepIndex(), now, r.reason());
    return transition(r, next, e, now, CONTROLLER,
        what + " has not reported back for " + waited.toSeconds() + " s (limit "
            + after.toSeconds() + " s): trying again", null, List.of(effect));
  }

  private Decision judgeTick(Rollout r, Tick e, Instant now) {
    Judgement j = e.judgement();
    Rollout judged = j == null ? r : r.withJudge(j.state(), j.verdict());
    Verdict v = j == null ? null : j.verdict();
    if (v != null && v.outcome() == Outcome.FAIL) {
      return rollBack(r, judged, e, now, CONTROLLER,
          "the judge failed the canary: " + v.summary(), v);
    }
    if (r.state() == PAUSED) {
      Pause p = r.pause();
      if (p.expiredAt(now)) {
        String why = "pause by " + p.actor() + " expired at " + p.until();
        return p.atExpiry() == ExpiryAction.ROLLBACK
            ? rollBack(r, judged, e, now, CONTROLLER, why + "; its expiry action is rollback", v)
            : resume(r, judged, e, now, CONTROLLER, why + "; its expiry action is resume");
      }
      return hold(r, judged);
    }
    Step step = r.policy().step(r.stepIndex());
    Duration dwell = Duration.between(r.stateSince(), now);
    if (!r.stableIncidents().isEmpty() && dwell.compareTo(step.maxDwell()) >= 0) {
      // A hold must not last for ever unseen: a close that overtook its open (unordered
      // delivery) would otherwise keep an incident "open" here with nobody told.
      Pause pause = new Pause(CONTROLLER, "stable incidents still open at the step's maximum dwell",
          null, ExpiryAction.RESUME);
      Rollout next = judged.paused(pause, now, "paused: Cloud Monitoring incident(s) "
          + String.join(", ", new java.util.TreeSet<>(r.stableIncidents()))
          + " on the stable revision still open after " + dwell.toSeconds() + " s at "
          + step.percent() + "% (maximum dwell " + step.maxDwell().toSeconds()
          + " s); an operator decides: resume, promote or rollback");
      return transition(r, next, e, now, CONTROLLER, next.reason(), v,
          List.of(notify(NotificationType.PAUSED, next, next.reason())));
    }
    if (r.traffic().pending() || !r.stableIncidents().isEmpty() || v == null) {
      return hold(r, judged); // nothing to judge progress on yet
    }
    if (v.outcome() == Outcome.PASS && dwell.compareTo(step.minDwell()) >= 0) {
      return advance(r, judged, e, now, v, dwell);
    }
    if (v.outcome() == Outcome.INCONCLUSIVE && dwell.compareTo(step.maxDwell()) >= 0) {
      Pause pause = new Pause(CONTROLLER, "inconclusive after the step's maximum dwell", null,
          ExpiryAction.RESUME);
      Rollout next = judged.paused(pause, now,
          "paused: the judge is still inconclusive after " + dwell.toSeconds()
              + " s at " + step.percent() + "% (maximum dwell " + step.maxDwell().toSeconds()
              + " s); an operator decides: resume, promote or rollback");
      return transition(r, next, e, now, CONTROLLER, next.reason() + ". " + v.summary(), v,
          List.of(notify(NotificationType.PAUSED, next, next.reason())));
    }
    return hold(r, judged);
  }

  private Decision advance(Rollout r, Rollout judged, Tick e, Instant now, Verdict v,
      Duration dwell) {
    int i = r.stepIndex();
    List<Step> steps = r.policy().steps();
    String because = "the judge passed the canary after " + dwell.toSeconds() + " s at "
        + steps.get(i).percent() + "% (minimum dwell " + steps.get(i).minDwell().toSeconds()
        + " s): " + v.summary();
    if (r.policy().isLastStep(i)) {
      Rollout next = judged.withState(PROMOTING, -1, now, "promoting: 100% to the candidate")
          .withTraffic(TrafficIntent.desired(100));
      return transition(r, next, e, now, CONTROLLER, because + "; promoting to 100%", v,
          List.of(SetTraffic.of(next)));
    }
    Step s = steps.get(i + 1);
    Rollout next = judged.withState(CANARY, i + 1, now,
            "step " + (i + 2) + ": " + s.percent() + "% to the candidate")
        .withTraffic(TrafficIntent.desired(s.percent()));
    return transition(r, next, e, now, CONTROLLER,
        because + "; step " + (i + 2) + " of " + steps.size() + ": " + s.percent()
            + "% for at least " + s.minDwell().toSeconds() + " s",
        v, List.of(notify(NotificationType.STEP_ADVANCED, next, next.reason()),
            SetTraffic.of(next)));
  }

  /**
   * Evidence consumed but nothing else: stored, not audited. A tick that consumed no bucket
   * changes nothing worth a write (its verdict only restates the stored evidence).
   */
  private static Decision hold(Rollout r, Rollout judged) {
    return java.util.Objects.equals(r.judge(), judged.judge())
        ? Decision.noop(r)
        : new Decision(judged, List.of(), List.of(), true);
  }

  // ---- alerts ----------------------------------------------------------------------------------

  private Decision onAlertFired(Rollout r, AlertFired e, Instant now) {
    if (r.state().terminal() || r.state() == ROLLING_BACK) {
      return Decision.noop(r);
    }
    String what = "Cloud Monitoring incident " + e.incidentId() + " (" + e.policyName() + ": "
        + e.summary() + ")";
    if (e.revision().equals(r.candidateRevision())) {
      return rollBack(r, r, e, now, "cloud-monitoring", what + " on the candidate", null);
    }
    if (e.revision().equals(r.stableRevision())) {
      Set<String> open = new HashSet<>(r.stableIncidents());
      if (!open.add(e.incidentId())) {
        return Decision.noop(r);
      }
      Rollout next = r.withStableIncidents(open);
      String msg = what + " on the stable revision: holding progress until it closes";
      return transition(r, next, e, now, "cloud-monitoring", msg, null,
          List.of(notify(NotificationType.STABLE_ALERT, next, msg)));
    }
    return Decision.noop(r); // another revision of the service: not ours to judge
  }

  private Decision onAlertResolved(Rollout r, AlertResolved e, Instant now) {
    if (r.state().terminal()) {
      return Decision.noop(r);
    }
    boolean stable = r.stableIncidents().contains(e.incidentId());
    if (!stable && !e.revision().equals(r.candidateRevision())) {
      return Decision.noop(r);
    }
    Set<String> open = new HashSet<>(r.stableIncidents());
    open.remove(e.incidentId());
    Rollout next = r.withStableIncidents(open);
    return transition(r, next, e, now, "cloud-monitoring",
        "Cloud Monitoring incident " + e.incidentId() + " on " + e.revision() + " closed"
            + (stable ? "; " + open.size() + " stable incident(s) still open" : ""), null,
        List.of());
  }

  // ---- operator commands -------------------------------------------------------------------

  private Decision onCommand(Rollout r, Command c, Instant now) {
    String by = " (" + c.actor() + ": " + c.reason() + ")";
    RolloutState s = r.state();
    return switch (c.command()) {
      case PAUSE -> {
        if (s != CANARY && s != PAUSED) {
          yield reject(r, c, now, "pause applies to a rollout in CANARY or PAUSED, not " + s);
        }
        Pause p = new Pause(c.actor(), c.reason(), c.expiresAt(), c.atExpiry());
        String until = c.expiresAt() == null ? "until resumed"
            : "until " + c.expiresAt() + ", then " + c.atExpiry().name().toLowerCase();
        Rollout next = r.paused(p, s == PAUSED ? r.stateSince() : now,
            "paused at " + r.traffic().candidatePercent() + "% " + until + by);
        yield transition(r, next, c, now, c.actor(), next.reason(), null,
            List.of(notify(NotificationType.PAUSED, next, next.reason())));
      }
      case RESUME -> s == PAUSED
          ? resume(r, r, c, now, c.actor(), "resumed" + by)
          : reject(r, c, now, "resume applies to a PAUSED rollout, not " + s);
      case PROMOTE -> {
        if (s != VERIFYING && s != CANARY && s != PAUSED) {
          yield reject(r, c, now,
              "promote applies to a rollout in VERIFYING, CANARY or PAUSED, not " + s);
        }
        Rollout next = r.withState(PROMOTING, -1, now, "promoting by operator" + by)
            .withTraffic(TrafficIntent.desired(100));
        yield transition(r, next, c, now, c.actor(), "operator promotes the candidate to 100%" + by,
            null, List.of(SetTraffic.of(next)));
      }
      case ROLLBACK -> switch (s) {
        case DEPLOYING, VERIFYING, CANARY, PAUSED, PROMOTING -> rollBack(r, r, c, now, c.actor(),
            "operator rolls back" + by, null);
        case PROMOTED -> r.stableRevision() == null
            ? reject(r, c, now, "no previous stable revision is known to roll back to")
            : rollBack(r, r, c, now, c.actor(),
                "operator rolls back the promoted candidate to " + r.stableRevision() + by, null);
        case ROLLING_BACK, ROLLED_BACK, SUPERSEDED, FAILED ->
            reject(r, c, now, "nothing to roll back: the rollout is " + s);
      };
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
    };
  }

  private Decision restart(Rollout r, Command c, Instant now, String by) {
    boolean deployed = r.stableRevision() != null && r.candidateUrl() != null;
    Rollout reset = r.restarted();
    Rollout next = deployed
        ? reset.withState(VERIFYING, -1, now, "retry: smoke-checking the candidate again" + by)
        : reset.withState(DEPLOYING, -1, now, "retry: deploying the candidate again" + by);
    return transition(r, next, c, now, c.actor(), next.reason(), null,
        List.of(notify(NotificationType.STARTED, next, next.reason()),
            deployed ? smoke(next) : deploy(next)));
  }

  private Decision resume(Rollout r, Rollout base, RolloutEvent e, Instant now, String actor,
      String why) {
    // The step's dwell starts again: an inconclusive phase deserves a fresh window.
    Rollout next = base.withState(CANARY, r.stepIndex(), now,
        "step " + (r.stepIndex() + 1) + ": " + r.traffic().candidatePercent()
            + "% to the candidate (resumed)");
    return transition(r, next, e, now, actor, why, null,
        List.of(notify(NotificationType.RESUMED, next, why),
            new ScheduleTick(r.id(), r.stepIndex())));
  }

  private Decision reject(Rollout r, Command c, Instant now, String why) {
    String msg = "rejected " + c.command().name().toLowerCase() + " from " + c.actor() + ": " + why;
    AuditEntry a = new AuditEntry(now, c.eventId(), c.type(), c.actor(), r.state(), r.state(),
        r.traffic().candidatePercent(), r.traffic().candidatePercent(), msg, null);
    return new Decision(r, List.of(notify(NotificationType.COMMAND_REJECTED, r, msg)), List.of(a),
        true);
  }

  // ---- superseding, rollback, traffic confirmation --------------------------------------------

  private Decision onNewerBuild(Rollout r, NewerBuild e, Instant now) {
    if (r.state().terminal() || r.state() == PROMOTING || r.state() == ROLLING_BACK) {
      // Those two are finishing an outcome already decided (and applied within the same
      // invocation); the newer rollout starts from whatever they leave serving.
      return Decision.noop(r);
    }
    boolean hadTraffic = r.traffic().candidatePercent() > 0 || r.traffic().pending();
    Rollout next = r.withState(SUPERSEDED, -1, now, "superseded by rollout " + e.newRolloutId()
        + " before validation")
        .withTraffic(hadTraffic ? TrafficIntent.desired(0) : r.traffic());
    List<Effect> effects = new ArrayList<>();
    effects.add(notify(NotificationType.SUPERSEDED, next, next.reason()));
    if (hadTraffic && r.stableRevision() != null) {
      effects.add(SetTraffic.of(next));
    }
    return transition(r, next, e, now, CONTROLLER,
        next.reason() + (hadTraffic ? "; the candidate goes back to 0%" : ""), null, effects);
  }

  private Decision rollBack(Rollout r, Rollout base, RolloutEvent e, Instant now, String actor,
      String why, Verdict v) {
    boolean noTrafficYet = r.state() == DEPLOYING || r.state() == VERIFYING;
    if (noTrafficYet) {
      Rollout next = base.withState(ROLLED_BACK, -1, now, why + " (before any traffic)");
      return transition(r, next, e, now, actor, next.reason(), v,
          List.of(notify(NotificationType.ROLLED_BACK, next, next.reason())));
    }
    Rollout next = base.withState(ROLLING_BACK, -1, now, "rolling back: " + why)
        .withTraffic(TrafficIntent.desired(0));
    return transition(r, next, e, now, actor, why + "; 100% back to " + r.stableRevision(), v,
        List.of(notify(NotificationType.ROLLING_BACK, next, why), SetTraffic.of(next)));
  }

  private Decision onTrafficApplied(Rollout r, TrafficApplied e, Instant now) {
    TrafficIntent t = r.traffic();
    if (t.applied() || t.candidatePercent() != e.candidatePercent()) {
      return Decision.noop(r); // a confirmation of an intent that is no longer current
    }
    Rollout applied = r.withTraffic(t.markApplied());
    String split = "Cloud Run serves candidate " + t.candidatePercent() + "% / stable "
        + (100 - t.candidatePercent()) + "%";
    if (r.state() == PROMOTING) {
      Rollout next = applied.withState(PROMOTED, -1, now,
          "promoted: " + r.candidateRevision() + " serves 100%");
      return transition(r, next, e, now, CONTROLLER, split + "; promoted", null,
          List.of(notify(NotificationType.PROMOTED, next, next.reason())));
    }
    if (r.state() == ROLLING_BACK) {
      Rollout next = applied.withState(ROLLED_BACK, -1, now,
          "rolled back: " + r.stableRevision() + " serves 100% (" + r.reason() + ")");
      return transition(r, next, e, now, CONTROLLER, split + "; rolled back", null,
          List.of(notify(NotificationType.ROLLED_BACK, next, next.reason())));
    }
    if (r.state() == CANARY) {
      // The step's dwell counts from when users really get the new share, not from the
      // decision: a slow or re-driven traffic change must not shorten the observation.
      applied = applied.withState(CANARY, r.stepIndex(), now, r.reason());
    }
    return transition(r, applied, e, now, CONTROLLER, split, null, List.of());
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static Decision transition(Rollout from, Rollout to, RolloutEvent e, Instant now,
      String actor, String message, Verdict v, List<Effect> effects) {
    AuditEntry a = new AuditEntry(now, e.eventId(), e.type(), actor, from.state(), to.state(),
        from.traffic().candidatePercent(), to.traffic().candidatePercent(), message, v);
    return new Decision(to, effects, List.of(a), true);
  }

  private static DeployRevision deploy(Rollout r) {
    return new DeployRevision(r.service(), r.region(), r.image(), r.candidateRevision(),
        r.policy().candidateTag(), r.adopt());
  }

  private static SmokeCheck smoke(Rollout r) {
    return new SmokeCheck(r.service(), r.candidateRevision(), r.candidateUrl(),
        r.policy().smokeCheck());
  }

  private static Notify notify(NotificationType type, Rollout r, String message) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("state", r.state().name());
    details.put("candidatePercent", r.traffic().candidatePercent());
    details.put("candidateRevision", r.candidateRevision());
    if (r.stableRevision() != null) {
      details.put("stableRevision", r.stableRevision());
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
