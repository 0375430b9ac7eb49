package dev.canaryrun.service;

import dev.canaryrun.port.DrillIncidents;
import dev.canaryrun.port.EventPublisher;
import dev.canaryrun.port.PermanentFailure;
import dev.canaryrun.port.SmokeChecker;
import dev.canaryrun.port.TrafficRouter;
import dev.canaryrun.rollout.Effect;
import dev.canaryrun.rollout.Effect.DeployRevision;
import dev.canaryrun.rollout.Effect.LocateRevision;
import dev.canaryrun.rollout.Effect.FireDrillIncident;
import dev.canaryrun.rollout.Effect.Notify;
import dev.canaryrun.rollout.Effect.ObserveTraffic;
import dev.canaryrun.rollout.Effect.ScheduleTick;
import dev.canaryrun.rollout.Effect.SetTraffic;
import dev.canaryrun.rollout.Effect.SmokeCheck;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutEvent.DeployCompleted;
import dev.canaryrun.rollout.RolloutEvent.DeployFailed;
import dev.canaryrun.rollout.RolloutEvent.SmokeCheckFailed;
import dev.canaryrun.rollout.RolloutEvent.SmokeCheckPassed;
import dev.canaryrun.rollout.RolloutEvent.TrafficApplied;
import dev.canaryrun.rollout.RolloutEvent.TrafficChangedOutside;
import dev.canaryrun.rollout.RolloutEvent.TrafficObserved;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Carries out a decision's effects through the ports, in order, and returns their outcomes as
 * events for the decision loop. It never decides and never saves: what an outcome means is the
 * machine's to say. Transient port failures propagate (Pub/Sub redelivers the cause);
 * permanent ones become outcomes (a refused deploy) or stay pending (a refused traffic write).
 */
final class EffectRunner {
  private final TrafficRouter router;
  private final SmokeChecker smoke;
  private final EventPublisher publisher;
  private final DrillIncidents drillIncidents;
  private final Clock clock;

  EffectRunner(TrafficRouter router, SmokeChecker smoke, EventPublisher publisher, Clock clock) {
    this(router, smoke, publisher, DrillIncidents.NONE, clock);
  }

  EffectRunner(TrafficRouter router, SmokeChecker smoke, EventPublisher publisher,
      DrillIncidents drillIncidents, Clock clock) {
    this.router = router;
    this.smoke = smoke;
    this.publisher = publisher;
    this.drillIncidents = drillIncidents;
    this.clock = clock;
  }

  List<Work> run(Rollout r, List<Effect> effects, String cause) {
    List<Work> outcomes = new ArrayList<>();
    for (Effect effect : effects) {
      if (writesCloudRun(effect) && r.policy().observeOnly()) {
        // The machine never asks for this in observe-only mode; this is the promise kept at
        // the last door before Cloud Run, should a future rule forget it.
        DecisionLog.error("observe-only mode: refusing " + effect.getClass().getSimpleName()
            + " (canaryrun never writes to Cloud Run for this service)", null, "rolloutId",
            r.id(), "service", r.service());
        continue;
      }
      if (effect instanceof LocateRevision l) {
        outcomes.add(Work.of(locate(l, cause)));
      } else if (effect instanceof DeployRevision d) {
        outcomes.add(Work.of(deploy(d, cause)));
      } else if (effect instanceof SmokeCheck s) {
        SmokeChecker.Result res = smoke.check(s);
        String id = FollowUpIds.smoke(cause);
        outcomes.add(Work.of(res.passed()
            ? new SmokeCheckPassed(id, clock.instant(), res.detail())
            : new SmokeCheckFailed(id, clock.instant(), res.detail())));
      } else if (effect instanceof SetTraffic t) {
        setTraffic(r, t, cause).ifPresent(outcomes::add);
      } else if (effect instanceof ObserveTraffic o) {
        observe(r, o, cause).ifPresent(outcomes::add);
      } else if (effect instanceof Notify n) {
        bestEffort(() -> publisher.notify(r, n), r, "notification " + n.type());
      } else if (effect instanceof ScheduleTick t) {
        bestEffort(() -> publisher.scheduleTick(t), r, "follow-up tick");
      } else if (effect instanceof FireDrillIncident f) {
        fireDrillIncident(r, f);
      }
    }
    return outcomes;
  }

  /**
   * Writes a split and returns its confirmation; or, when someone changed the split by hand,
   * the event that says so; or nothing when Cloud Run refused it for good (the intent stays
   * pending and the next event re-drives it).
   */
  Optional<Work> setTraffic(Rollout r, SetTraffic t, String cause) {
    try {
      router.setTraffic(t);
    } catch (TrafficRouter.TrafficOverridden o) {
      DecisionLog.error("not overwriting a traffic change made outside canaryrun: "
          + o.getMessage(), null, "rolloutId", r.id(), "service", t.service(),
          "candidatePercent", t.candidatePercent());
      return Optional.of(Work.of(new TrafficChangedOutside(FollowUpIds.overridden(cause),
          clock.instant(), o.modifiedBy(), o.getMessage())));
    } catch (PermanentFailure f) {
      logRefused(r, t, f);
      return Optional.empty();
    }
    int p = t.candidatePercent();
    return Optional.of(Work.confirming(
        new TrafficApplied(FollowUpIds.applied(cause, p), clock.instant(), p), p));
  }

  /** Sends a split to Cloud Run; false when Cloud Run refuses it for good. */
  boolean send(Rollout r, SetTraffic t) {
    if (r.policy().observeOnly()) {
      return false; // never: see run()
    }
    try {
      router.setTraffic(t);
      return true;
    } catch (PermanentFailure f) {
      logRefused(r, t, f);
      return false;
    }
  }

  private static void logRefused(Rollout r, SetTraffic t, PermanentFailure f) {
    // Loud, because someone must fix a permission or a config for this to ever succeed.
    DecisionLog.error("traffic change refused by Cloud Run: " + f.getMessage(), f,
        "rolloutId", r.id(), "service", t.service(), "candidatePercent", t.candidatePercent());
  }

  /** Best effort: an observation that fails is made again by the next tick. */
  private Optional<Work> observe(Rollout r, ObserveTraffic o, String cause) {
    try {
      int percent = router.candidatePercentServed(o);
      return Optional.of(Work.of(
          new TrafficObserved(FollowUpIds.observed(cause), clock.instant(), percent)));
    } catch (RuntimeException ex) {
      DecisionLog.warn("could not read what Cloud Run serves; the next tick reads again: "
          + ex.getMessage(), "rolloutId", r.id(), "service", r.service());
      return Optional.empty();
    }
  }

  private dev.canaryrun.rollout.RolloutEvent deploy(DeployRevision d, String cause) {
    try {
      TrafficRouter.Deployment dep = router.deploy(d);
      return new DeployCompleted(FollowUpIds.deployed(cause), clock.instant(),
          dep.stableRevision(), dep.candidateUrl(), dep.takenBack() == null ? null
              : dep.takenBack().describe(dep.candidateRevision(), dep.stableRevision()),
          dep.scaling());
    } catch (PermanentFailure f) {
      return new DeployFailed(FollowUpIds.deployFailed(cause), clock.instant(), f.getMessage());
    }
  }

  private static boolean writesCloudRun(Effect e) {
    return e instanceof DeployRevision || e instanceof SetTraffic;
  }

  private dev.canaryrun.rollout.RolloutEvent locate(LocateRevision l, String cause) {
    try {
      TrafficRouter.Deployment dep = router.locate(l);
      return new DeployCompleted(FollowUpIds.deployed(cause), clock.instant(),
          dep.stableRevision(), dep.candidateUrl());
    } catch (PermanentFailure f) {
      return new DeployFailed(FollowUpIds.deployFailed(cause), clock.instant(), f.getMessage());
    }
  }

  /**
   * Not retried by redelivery: the confirmation that fired it is recorded with the firing, so
   * a failed publish leaves the drill waiting, and it rolls itself back at its timeout with
   * the alert-path check failed, which is what the drill is for.
   */
  private void fireDrillIncident(Rollout r, FireDrillIncident f) {
    try {
      drillIncidents.publish(f);
      DecisionLog.info("rollback drill: drill incident " + f.incidentId() + " published on the"
          + " alerts topic", "rolloutId", r.id(), "service", r.service());
    } catch (RuntimeException ex) {
      DecisionLog.error("rollback drill: the drill incident could not be published; the drill"
          + " rolls itself back at its timeout: " + ex.getMessage(), ex, "rolloutId", r.id(),
          "service", r.service());
    }
  }

  private static void bestEffort(Runnable action, Rollout r, String what) {
    // Notifications must never block a rollback: a failed publish is logged, not retried.
    try {
      action.run();
    } catch (RuntimeException ex) {
      DecisionLog.warn(what + " could not be published: " + ex.getMessage(), "rolloutId", r.id(),
          "service", r.service());
    }
  }
}
