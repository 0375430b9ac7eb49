package dev.canaryrun.service;

import dev.canaryrun.port.RolloutStore;
import dev.canaryrun.port.SaveOutcome;
import dev.canaryrun.port.SaveResult;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Decision;
import dev.canaryrun.rollout.Effect;
import dev.canaryrun.rollout.Effect.SetTraffic;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutEvent;
import dev.canaryrun.rollout.RolloutMachine;
import dev.canaryrun.service.HandleResult.Status;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The one loop that moves a rollout: take an event from the worklist, decide it on the rollout
 * as stored, save the decision, run its effects, and put their outcomes (deployed, smoke
 * checked, traffic applied) on the worklist, until it is empty. It never calls itself: one
 * build event deploys, smoke-checks and sets the first step's traffic as three turns of this
 * loop, and the loop knows the final state it reports.
 *
 * <p>Delivery is at-least-once and unordered, so: the save deduplicates by event id; a
 * concurrent save (version conflict) reloads and decides again; and a traffic intent that was
 * recorded but not confirmed (a crash in between) is re-applied by the next event that touches
 * the rollout, a redelivery of the same one included.
 */
final class DecisionLoop {
  private static final int MAX_CONFLICT_RETRIES = 8;

  private final RolloutStore store;
  private final RolloutMachine machine;
  private final EffectRunner effects;
  private final RollbackReports reports;
  private final DrillFinisher drills;
  private final Clock clock;
  private final Releases releases;

  DecisionLoop(RolloutStore store, RolloutMachine machine, EffectRunner effects, Clock clock) {
    this(store, machine, effects, clock, null, new Releases(store, clock));
  }

  /**
   * @param drills writes a drill's report when a loop leaves the drill ended; null: none
   * @param releases what a release across regions does after a save moved one of its regions
   */
  DecisionLoop(RolloutStore store, RolloutMachine machine, EffectRunner effects, Clock clock,
      DrillFinisher drills, Releases releases) {
    this.releases = releases;
    this.store = store;
    this.machine = machine;
    this.effects = effects;
    this.reports = new RollbackReports(store);
    this.drills = drills;
    this.clock = clock;
  }

  /** Decides {@code first} on the rollout (reusing {@code listed} for the first read). */
  HandleResult apply(String rolloutId, Rollout listed, Work first) {
    return releases.session(() -> {
      Turn turn = turn(rolloutId, listed, first);
      Rollout last = drain(turn.rollout(), turn.next());
      finishDrill(last == null ? turn.rollout() : last);
      return turn.result(last);
    });
  }

  /**
   * Stores a rollout the machine just created, then runs its effects to the end. Returns the
   * save's result, with the rollout as it ends when SAVED.
   */
  Created create(Decision d, String eventId) {
    return releases.session(() -> {
      SaveOutcome saved = store.save(d.next(), 0, eventId, d.audit());
      if (saved.result() != SaveResult.SAVED) {
        return new Created(saved.result(), null);
      }
      logDecision(d, saved.stored(), eventId);
      Deque<Work> work = new ArrayDeque<>(effects.run(saved.stored(), d.effects(), eventId));
      Rollout last = drain(saved.stored(), work);
      finishDrill(last);
      return new Created(SaveResult.SAVED, last);
    });
  }

  /** @param last the rollout as the loop left it; null unless SAVED */
  record Created(SaveResult result, Rollout last) {}

  /**
   * Carries out work a stored rollout is waiting on (a redelivered build's interrupted deploy),
   * re-driving its pending traffic first; returns the rollout as it ends.
   */
  Rollout resume(Rollout r, List<Effect> work, String cause) {
    return releases.session(() -> {
      Deque<Work> queue = new ArrayDeque<>(redrive(r, cause));
      queue.addAll(effects.run(r, work, cause));
      Rollout last = drain(r, queue);
      finishDrill(last);
      if (Releases.moves(last)) {
        releases.moved(last, cause); // a redelivery finishes its release's next step too
      }
      return last;
    });
  }

  /** A drill the loop left ended gets its report (DrillFinisher), whichever event ended it. */
  private void finishDrill(Rollout last) {
    if (drills != null && last != null && last.isDrill()) {
      drills.finish(last);
    }
  }

  private Rollout drain(Rollout last, Deque<Work> work) {
    Rollout current = last;
    while (!work.isEmpty()) {
      Turn t = turn(current.id(), null, work.poll());
      if (t.rollout() != null) {
        current = t.rollout();
      }
      work.addAll(t.next());
    }
    return current;
  }

  /** What one turn of the loop did to one event, and the work it left. */
  private record Turn(Status status, Rollout rollout, String message, Deque<Work> next) {
    HandleResult result(Rollout last) {
      Rollout r = last == null ? rollout : last;
      return new HandleResult(status, r == null ? null : r.id(), r == null ? null : r.state(),
          message);
    }
  }

  private Turn turn(String rolloutId, Rollout listed, Work w) {
    for (int attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      Optional<Rollout> loaded = attempt == 0 && listed != null
          ? Optional.of(listed) : store.find(rolloutId);
      if (loaded.isEmpty()) {
        return new Turn(Status.IGNORED, null, "no rollout " + rolloutId, new ArrayDeque<>());
      }
      Rollout r = loaded.get();
      RolloutEvent e = w.eventFor().apply(r);
      // No separate "processed?" read: the save checks the event id in its transaction, and a
      // decision is pure, so deciding on a duplicate costs nothing but CPU.
      Decision d = machine.decide(r, e, clock.instant());
      if (!d.saves()) {
        String msg = e.type() + " does not apply to " + rolloutId + " in " + r.state()
            + (r.stepIndex() >= 0 ? " at step " + (r.stepIndex() + 1) : "");
        logResult(Status.IGNORED, rolloutId, msg, e.eventId());
        return new Turn(Status.IGNORED, r, msg, repair(r, w, e.eventId()));
      }
      // The machine cannot see the audit trail a rollback report is built from; the report
      // goes into the same save as the transition that ends the rollback (RollbackReports).
      d = reports.attach(r, d);
      SaveOutcome saved = store.save(d.next(), r.version(), e.eventId(), d.audit());
      if (saved.result() == SaveResult.CONFLICT) {
        continue; // someone saved first: reload and decide on their state
      }
      if (saved.result() == SaveResult.BUSY) {
        // Brought back to life (a retry) while another rollout took the service: the command
        // saw the service before that. Redelivered, it is decided on the service as it is now.
        throw new TransientFailure("rollout " + rolloutId + " cannot go live: another rollout"
            + " of " + r.service() + " is in flight; Pub/Sub redelivers and it is decided again");
      }
      if (saved.result() == SaveResult.DUPLICATE) {
        String msg = "event " + e.eventId() + " was already applied to " + rolloutId;
        logResult(Status.DUPLICATE, rolloutId, msg, e.eventId());
        // Applied by another copy, maybe since our read: what we read can be behind what it
        // saved, and repairing from that would re-drive an intent the rollout has left behind
        // (a candidate put back at 5% over the rollback the other copy decided). So read again.
        Rollout stored = store.find(rolloutId).orElse(r);
        if (Releases.moves(stored)) {
          releases.moved(stored, e.eventId()); // the first copy may have died before its release moved
        }
        return new Turn(Status.DUPLICATE, stored, msg, finish(stored, w, e.eventId()));
      }
      Rollout stored = saved.stored();
      if (stored.version() != r.version() + 1) {
        // Our save committed, but its reply was lost and the rollout as read back has moved on
        // (a rollback, a newer build): this decision's effects are stale, and running them
        // would write its split over the newer one's. Carry on from the rollout as stored.
        logDecision(d, stored, e.eventId());
        return new Turn(Status.APPLIED, stored, d.message(), finish(stored, w, e.eventId()));
      }
      logDecision(d, stored, e.eventId());
      if (stored.state() != r.state() && Releases.moves(stored)) {
        releases.moved(stored, e.eventId()); // queued: run when this invocation's loop is done
      }
      Deque<Work> next = new ArrayDeque<>(effects.run(stored, d.effects(), e.eventId()));
      if (d.effects().stream().noneMatch(SetTraffic.class::isInstance)) {
        // A decision that changed something else (evidence, an incident) still leaves an
        // earlier intent unapplied: re-drive it, or a CANARY that consumes a bucket every tick
        // would never get there.
        next.addAll(redrive(stored, e.eventId()));
      }
      return new Turn(d.rejected() ? Status.REJECTED : Status.APPLIED, stored, d.message(), next);
    }
    throw new TransientFailure("rollout " + rolloutId + " was modified " + MAX_CONFLICT_RETRIES
        + " times concurrently; giving up so that Pub/Sub redelivers");
  }

  /**
   * The work a stored rollout is owed when this turn's own decision is not the one to carry
   * out (a duplicate, an overtaken save): what a delivery that failed part-way started (a
   * retry's smoke check, a build's deploy: both idempotent), and its traffic repaired.
   */
  private Deque<Work> finish(Rollout stored, Work w, String cause) {
    Deque<Work> next = repair(stored, w, cause);
    next.addAll(effects.run(stored, machine.unfinishedWork(stored), cause));
    return next;
  }

  /** After an event that changed nothing: the rollout's traffic must still be what it says. */
  private Deque<Work> repair(Rollout r, Work w, String cause) {
    Deque<Work> next = new ArrayDeque<>(redrive(r, cause));
    if (next.isEmpty() && w.wrotePercent() != null) {
      reassertIfOverwritten(r, w.wrotePercent());
    }
    return next;
  }

  /** A recorded intent that Cloud Run has not confirmed: apply it again. */
  private List<Work> redrive(Rollout r, String cause) {
    if (!r.traffic().pending() || r.stableRevision() == null) {
      return List.of();
    }
    DecisionLog.info("re-applying traffic intent recorded but not confirmed: candidate "
            + r.traffic().candidatePercent() + "%", "rolloutId", r.id(), "service", r.service(),
        "eventId", cause);
    return effects.setTraffic(r, SetTraffic.of(r), FollowUpIds.redrive(cause, r.version()))
        .stream().toList();
  }

  /**
   * Our write of {@code written}% was not the current intent when confirmed: a concurrent
   * invocation recorded a newer one. A newer pending intent is re-driven above; but one applied
   * and confirmed before our (stale) write landed would be silently overwritten, e.g. a
   * ROLLED_BACK candidate left serving 20%. Write the current one again.
   */
  private void reassertIfOverwritten(Rollout now, int written) {
    if (now.stableRevision() == null || now.traffic().candidatePercent() == written) {
      return;
    }
    DecisionLog.warn("a stale traffic write (candidate " + written + "%) may have overwritten the"
        + " applied intent: re-applying candidate " + now.traffic().candidatePercent() + "%",
        "rolloutId", now.id(), "service", now.service());
    effects.send(now, SetTraffic.of(now));
  }

  private static void logDecision(Decision d, Rollout r, String eventId) {
    for (AuditEntry a : d.audit()) {
      DecisionLog.info(a.message(), "rolloutId", r.id(), "service", r.service(),
          "eventId", eventId, "event", a.eventType(), "from", a.from().name(),
          "to", a.to().name(), "trafficBefore", a.trafficBefore(),
          "trafficAfter", a.trafficAfter(),
          "verdict", a.verdict() == null ? null : a.verdict().outcome().name(),
          "evidence", a.verdict() == null ? null : a.verdict().summary());
    }
  }

  static void logResult(Status status, String rolloutId, String message, String eventId) {
    DecisionLog.info(message, "rolloutId", rolloutId, "eventId", eventId,
        "status", status.name());
  }
}
