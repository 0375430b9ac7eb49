package dev.canaryrun.service;

import dev.canaryrun.port.DrillProbe;
import dev.canaryrun.port.DrillReports;
import dev.canaryrun.report.DrillReport;
import dev.canaryrun.port.PermanentFailure;
import dev.canaryrun.port.PolicyStore;
import dev.canaryrun.port.PolicyStore.WatchedService;
import dev.canaryrun.port.RolloutStore;
import dev.canaryrun.port.RolloutStore.ServicePointer;
import dev.canaryrun.rollout.CommandType;
import dev.canaryrun.rollout.Decision;
import dev.canaryrun.rollout.Drill;
import dev.canaryrun.rollout.DrillCheck;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutEvent.Command;
import dev.canaryrun.rollout.RolloutEvent.ServiceRollouts;
import dev.canaryrun.rollout.RolloutIds;
import dev.canaryrun.rollout.RolloutMachine;
import dev.canaryrun.service.HandleResult.Status;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Starts a rollback drill (README "Rollback drills"), for the operator's {@code drill}
 * command and the scheduler's drill message alike. With a rollout in flight the drill is
 * refused by the machine on that rollout (audited there, so the operator's CLI sees the
 * reason); otherwise the stable revision is read from Cloud Run, what a rollback depends on
 * is checked, and the drill rollout is created in the same transaction that guards "one live
 * rollout per service", so a build racing the drill either supersedes it or waits.
 */
final class StartDrill {
  private final RolloutStore store;
  private final PolicyStore policies;
  private final RolloutMachine machine;
  private final DecisionLoop loop;
  private final Staleness staleness;
  private final DrillProbe probe;
  private final DrillReports reports;
  private final Clock clock;

  StartDrill(RolloutStore store, PolicyStore policies, RolloutMachine machine, DecisionLoop loop,
      Staleness staleness, DrillProbe probe, DrillReports reports, Clock clock) {
    this.reports = reports;
    this.store = store;
    this.policies = policies;
    this.machine = machine;
    this.loop = loop;
    this.staleness = staleness;
    this.probe = probe;
    this.clock = clock;
  }

  HandleResult handle(DrillRequest d) {
    Optional<HandleResult> stale = staleness.check(d.eventId(), d.occurredAt(), null);
    if (stale.isPresent()) {
      return stale.get();
    }
    String id = RolloutIds.forDrill(d.service(), d.eventId());
    if (store.find(id).isEmpty() && reports.find(id).isPresent()) {
      // Refused on an earlier delivery: a redelivery must not start it later after all.
      return new HandleResult(Status.DUPLICATE, id, null, "drill " + id + " was refused");
    }
    if (d.notAfter() != null && clock.instant().isAfter(d.notAfter())) {
      return refused(null, "the scheduled drill's window closed at " + d.notAfter()
          + " (the message came late): no drill outside its window", d, Status.IGNORED);
    }
    Optional<WatchedService> watched = policies.find(d.service());
    if (watched.isEmpty()) {
      // Logged only: no drills/ document for a service canaryrun does not watch.
      String why = "rollback drill refused: unknown service " + d.service() + " (no policies/"
          + d.service() + " document)";
      DecisionLog.warn(why, "service", d.service(), "eventId", d.eventId());
      return new HandleResult(Status.REJECTED, null, null, why);
    }
    if (watched.get().policy().observeOnly()) {
      return refused(null, d.service() + " is observe-only (policy mode: observe): canaryrun"
          + " never changes its traffic, so it cannot drill its rollback", d, Status.REJECTED);
    }
    String region = watched.get().region();
    if (d.region() != null && !d.region().equals(region)) {
      return refused(null, d.service() + " is watched in " + region + ", not " + d.region(), d,
          Status.REJECTED);
    }
    ServicePointer pointer = store.pointer(d.service(), region).orElse(null);
    String inFlight = pointer == null ? null : pointer.activeRolloutId();
    String latest = pointer == null ? null : pointer.lastRolloutId();
    Command command = new Command(d.eventId(), d.occurredAt(), CommandType.DRILL, d.actor(),
        d.reason(), null, null, ServiceRollouts.of(inFlight, latest));
    Optional<Rollout> existing = store.find(id);
    if (existing.isPresent()) {
      Rollout done = loop.resume(existing.get(), machine.unfinishedWork(existing.get()),
          d.eventId());
      return new HandleResult(Status.DUPLICATE, id, done.state(), "drill " + id
          + " already started (" + done.state() + "); unfinished work re-driven");
    }
    if (inFlight != null) {
      // The machine rejects it on the rollout in flight: audited and notified there.
      HandleResult rejected = loop.apply(inFlight, null, Work.of(command));
      if (rejected.status() == Status.REJECTED) {
        reports.save(DrillReport.refused(id, d.service(), region, d.actor(), d.reason(),
            rejected.message(), clock.instant()));
      }
      return rejected;
    }
    Optional<Rollout> previous = latest == null ? Optional.empty() : store.find(latest);
    if (previous.isPresent() && previous.get().traffic().pending()) {
      return refused(latest, "rollout " + latest + " has ended but Cloud Run has not confirmed"
          + " its split yet; a drill starts from a service serving one revision", d,
          Status.REJECTED);
    }
    DrillProbe.Stable stable;
    try {
      stable = probe.stable(d.service(), region);
    } catch (PermanentFailure f) {
      return refused(null, f.getMessage(), d, Status.REJECTED);
    }
    List<DrillCheck> checks = probe.preflight(d.service(), region);
    Drill drill = new Drill(d.actor(), d.reason(), stable.revision(), checks);
    // The drill takes the build time of the release it repeats: a real build that finished
    // before this command must still supersede it, not look out of order.
    Instant builtAt = previous.map(Rollout::builtAt).orElse(Instant.EPOCH);
    Decision start = machine.startDrill(command, d.service(), region, id, stable.image(), drill,
        watched.get().policy(), builtAt, clock.instant());
    DecisionLoop.Created created = loop.create(start, d.eventId());
    return switch (created.result()) {
      case SAVED -> new HandleResult(Status.APPLIED, id, created.last().state(),
          "rollback drill " + id + " started");
      case BUSY -> refused(null, "a rollout of " + d.service() + " started while the drill was"
          + " being prepared; the drill does not start", d, Status.REJECTED);
      default -> new HandleResult(Status.DUPLICATE, id, null, "drill " + id
          + " was created concurrently");
    };
  }

  private HandleResult refused(String rolloutId, String why, DrillRequest d, Status status) {
    String message = "rollback drill of " + d.service() + " refused (" + d.actor() + "): " + why;
    DecisionLog.warn(message, "service", d.service(), "eventId", d.eventId(),
        "status", status.name());
    // Stored as the drill's report, so the operator (the CLI waits for it) and
    // `drill --report` see the reason; the log line alone would be missed.
    reports.save(DrillReport.refused(RolloutIds.forDrill(d.service(), d.eventId()), d.service(),
        d.region(), d.actor(), d.reason(), why, clock.instant()));
    return new HandleResult(status, rolloutId, null, message);
  }
}
