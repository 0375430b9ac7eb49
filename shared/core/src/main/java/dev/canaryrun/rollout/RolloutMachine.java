package dev.canaryrun.rollout;

import static dev.canaryrun.rollout.RolloutState.DEPLOYING;

import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.rollout.RolloutEvent.AlertFired;
import dev.canaryrun.rollout.RolloutEvent.AlertResolved;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import dev.canaryrun.rollout.RolloutEvent.Command;
import dev.canaryrun.rollout.RolloutEvent.DeployCompleted;
import dev.canaryrun.rollout.RolloutEvent.DeployFailed;
import dev.canaryrun.rollout.RolloutEvent.RefusedCommand;
import dev.canaryrun.rollout.RolloutEvent.NewerBuild;
import dev.canaryrun.rollout.RolloutEvent.SmokeCheckFailed;
import dev.canaryrun.rollout.RolloutEvent.SmokeCheckPassed;
import dev.canaryrun.rollout.RolloutEvent.Tick;
import dev.canaryrun.rollout.RolloutEvent.TrafficApplied;
import dev.canaryrun.rollout.RolloutEvent.TrafficObserved;
import java.time.Instant;
import java.util.List;

/**
 * The rollout state machine: {@code decide(rollout, event, now)} is total over state x event,
 * pure (no I/O, time passed in) and deterministic. The policy comes from the rollout's own
 * snapshot. Terminal states ignore everything but {@code retry} (and the confirmation of a
 * traffic intent still pending, e.g. a superseded candidate going back to 0%).
 *
 * <p>This class is the front: it dispatches each event to the phase that owns it
 * ({@link DeployPhase}, {@link CanaryPhase}, {@link AlertRules}, {@link CommandRules},
 * {@link Finishing}); they share {@link Transitions} for writing decisions.
 */
public final class RolloutMachine {
  /** The actor of automatic decisions in the audit trail. */
  public static final String CONTROLLER = "canaryrun";

  /** Starts a rollout for a successful build: the candidate is deployed with no traffic. */
  public Decision start(BuildSucceeded e, RolloutPolicy policy, Instant now) {
    return start(e, policy, null, now);
  }

  /**
   * A rollout of {@code e} in {@code e.region()}; with {@code slot}, that region's rollout of a
   * release across regions ({@code <release>@<region>}), deploying the release's revision name
   * in every region but the one whose revision the change made (adopted there).
   */
  public Decision start(BuildSucceeded e, RolloutPolicy policy, ReleaseSlot slot, Instant now) {
    String id = slot == null ? RolloutIds.forStart(e)
        : RolloutIds.inRelease(slot.releaseId(), e.region());
    boolean adopt = e.adoptRevision() != null && (slot == null || slot.adoptHere());
    String candidate = e.adoptRevision() != null ? e.adoptRevision()
        : slot == null ? id : slot.releaseId();
    String reason = policy.observeOnly()
        ? "observe-only: judging revision " + candidate + " (" + e.image()
            + "); canaryrun will not change traffic"
        : (adopt ? "adopting revision " + candidate : "deploying " + e.image())
            + " with no traffic"
            + (slot == null ? "" : " in " + e.region() + " (release " + slot.releaseId()
                + ", wave " + (slot.wave() + 1) + " of " + policy.regions().waves().size() + ")");
    Rollout r = Rollout.created(new RolloutSpec(id, e.service(), e.region(), e.image(),
        e.buildId(), e.occurredAt(), candidate, adopt, policy, now, null,
        slot == null ? null : slot.releaseId(), slot == null ? 0 : slot.wave()),
        RolloutStatus.deploying(now, reason));
    AuditEntry audit = new AuditEntry(now, e.eventId(), e.type(), "cloud-build", DEPLOYING,
        DEPLOYING, 0, 0, "build " + e.buildId() + " succeeded: " + reason, null);
    return Decision.changed(r,
        // Notifications go first: effects run in order, and a decision's own notification must
        // not follow the notifications of the events its effects cause.
        List.of(Transitions.notification(NotificationType.STARTED, r, "rollout started: " + reason),
            Transitions.deploy(r)),
        List.of(audit));
  }

  /**
   * Starts a rollback drill ({@link Drill}) for an operator's or the scheduler's drill
   * command: the stable image is deployed as candidate {@code id} with no traffic.
   */
  public Decision startDrill(Command c, String service, String region, String id, String image,
      Drill drill, RolloutPolicy policy, Instant builtAt, Instant now) {
    return DrillRules.start(c, service, region, id, image, drill, policy, builtAt, now);
  }

  /**
   * The work a rollout is waiting on when its triggering event is redelivered: the deploy of a
   * DEPLOYING rollout or the smoke check of a VERIFYING one (both idempotent). A redelivery
   * means the first delivery failed part-way, so waiting for the next stuck-check would only
   * delay the release.
   */
  public List<Effect> unfinishedWork(Rollout r) {
    return switch (r.state()) {
      case DEPLOYING -> List.of(Transitions.deploy(r));
      case VERIFYING -> List.of(Transitions.smoke(r));
      default -> List.of();
    };
  }

  public Decision decide(Rollout r, RolloutEvent event, Instant now) {
    // Java 17 has no pattern switch; the sealed interface keeps this list complete, and the
    // state x event table test proves every pair has a defined outcome.
    if (event instanceof BuildSucceeded) {
      return Decision.noop(r); // the service creates rollouts; a redelivery is a no-op
    } else if (event instanceof NewerBuild e) {
      return Finishing.newerBuild(r, e, now);
    } else if (event instanceof DeployCompleted e) {
      return DeployPhase.deployCompleted(r, e, now);
    } else if (event instanceof DeployFailed e) {
      return DeployPhase.deployFailed(r, e, now);
    } else if (event instanceof SmokeCheckPassed e) {
      return DeployPhase.smokePassed(r, e, now);
    } else if (event instanceof SmokeCheckFailed e) {
      return DeployPhase.smokeFailed(r, e, now);
    } else if (event instanceof Tick e) {
      return tick(r, e, now);
    } else if (event instanceof AlertFired e) {
      return AlertRules.fired(r, e, now);
    } else if (event instanceof AlertResolved e) {
      return AlertRules.resolved(r, e, now);
    } else if (event instanceof Command e) {
      return CommandRules.command(r, e, now);
    } else if (event instanceof RefusedCommand e) {
      return CommandRules.refused(r, e, now);
    } else if (event instanceof TrafficApplied e) {
      return Finishing.trafficApplied(r, e, now);
    } else if (event instanceof RolloutEvent.TrafficChangedOutside e) {
      return CanaryPhase.changedOutside(r, e, now);
    } else if (event instanceof TrafficObserved e) {
      return Settling.observed(r, e, now);
    } else if (event instanceof RolloutEvent.ReleaseStopped e) {
      return ReleaseStop.stopped(r, e, now);
    }
    throw new IllegalStateException("unhandled event type " + event.getClass().getName());
  }

  private static Decision tick(Rollout r, Tick e, Instant now) {
    if (e.expectedStep() != null && e.expectedStep() != r.stepIndex()) {
      return Decision.noop(r); // a follow-up for a step the rollout has already left
    }
    return switch (r.state()) {
      case DEPLOYING, VERIFYING -> DeployPhase.tick(r, e, now);
      case CANARY, PAUSED -> CanaryPhase.tick(r, e, now);
      case OBSERVING -> ObservePhase.tick(r, e, now);
      case BAKING -> BakePhase.tick(r, e, now);
      // Pending traffic of these is re-driven by the loop, not decided here.
      case PROMOTING, ROLLING_BACK -> Decision.noop(r);
      case PROMOTED, ROLLED_BACK, SUPERSEDED, FAILED, OBSERVED -> Settling.tick(r, e, now);
    };
  }
}
