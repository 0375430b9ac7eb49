package dev.canaryrun.functions;

import dev.canaryrun.port.RolloutStore;
import dev.canaryrun.port.SaveResult;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.service.HandleResult;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Audits a malformed command on the rollout it names (its {@code rolloutId}, else the named
 * service's rollout in flight), the way the service audits a well-formed command it rejects:
 * the rollout is saved unchanged with one more audit entry, under the command's event id, so a
 * redelivery audits nothing twice. A command that names no rollout leaves only its log line.
 */
final class RejectedCommandAudit {
  static final String EVENT_TYPE = "Command.MALFORMED";
  /** A well-formed command from a verified sender the service's operators do not include. */
  static final String UNAUTHORIZED = "Command.UNAUTHORIZED";
  private static final int ATTEMPTS = 5;

  private final RolloutStore store;
  private final Clock clock;

  RejectedCommandAudit(RolloutStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  Optional<HandleResult> record(String problem, Map<String, Object> fields, String eventId) {
    return record(EVENT_TYPE, problem, fields, eventId);
  }

  Optional<HandleResult> record(String eventType, String problem, Map<String, Object> fields,
      String eventId) {
    String service = (String) fields.get("service");
    String rolloutId = (String) fields.get("rolloutId");
    if (rolloutId == null && service != null) {
      rolloutId = store.pointer(service).map(RolloutStore.ServicePointer::activeRolloutId)
          .orElse(null);
    }
    if (rolloutId == null) {
      return Optional.empty();
    }
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Optional<Rollout> found = store.find(rolloutId);
      // issue 11: a rollout id alone is not enough, or a command naming no (valid) service could
      // write into another service's trail; the named service must own the rollout.
      if (found.isEmpty() || service == null || !found.get().service().equals(service)) {
        return Optional.empty(); // names nothing real: the log line is the whole trace
      }
      Rollout r = found.get();
      int percent = r.traffic().candidatePercent();
      String actor = (String) fields.getOrDefault("actor", "unknown");
      String message = "rejected " + (eventType.equals(EVENT_TYPE) ? "malformed " : "")
          + "command from " + actor + ": " + problem;
      AuditEntry entry = new AuditEntry(clock.instant(), eventId, eventType, actor, r.state(),
          r.state(), percent, percent, message, null);
      SaveResult saved = store.save(r, r.version(), eventId, List.of(entry));
      if (saved == SaveResult.SAVED) {
        return Optional.of(new HandleResult(HandleResult.Status.REJECTED, r.id(), r.state(),
            message));
      }
      if (saved == SaveResult.DUPLICATE) {
        return Optional.of(new HandleResult(HandleResult.Status.DUPLICATE, r.id(), r.state(),
            "event " + eventId + " was already audited on " + r.id()));
      }
    }
    throw new TransientFailure("rollout " + rolloutId + " kept changing while auditing a "
        + "rejected command; Pub/Sub will redeliver");
  }
}
