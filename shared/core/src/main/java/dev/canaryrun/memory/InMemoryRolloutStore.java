package dev.canaryrun.memory;

import dev.canaryrun.port.RolloutStore;
import dev.canaryrun.port.SaveOutcome;
import dev.canaryrun.report.EvidencePoint;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Rollout;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link RolloutStore} in memory with the same semantics as the Firestore one (one atomic
 * save with dedupe and optimistic version). Used by tests and by the demo when the Firestore
 * emulator is not installed.
 */
public final class InMemoryRolloutStore implements RolloutStore {
  private final Clock clock;
  private final Map<String, Rollout> rollouts = new HashMap<>();
  private final Map<String, List<AuditEntry>> audits = new HashMap<>();
  private final Map<String, List<EvidencePoint>> evidence = new HashMap<>();
  private final Map<String, Set<String>> processed = new HashMap<>();
  private final Map<String, ServicePointer> pointers = new HashMap<>();
  private int saves;

  public InMemoryRolloutStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Optional<Rollout> find(String rolloutId) {
    return Optional.ofNullable(rollouts.get(rolloutId));
  }

  @Override
  public synchronized Optional<ServicePointer> pointer(String service, String region) {
    return Optional.ofNullable(pointers.get(ServicePointer.documentId(service, region)));
  }

  @Override
  public synchronized List<ServicePointer> pointers(String service) {
    return pointers.values().stream().filter(p -> p.service().equals(service))
        .sorted(Comparator.comparing(ServicePointer::region)).toList();
  }

  @Override
  public synchronized List<Rollout> listActive() {
    return rollouts.values().stream()
        .filter(Rollout::active)
        .sorted(Comparator.comparing(Rollout::createdAt).thenComparing(Rollout::id))
        .toList();
  }

  @Override
  public synchronized boolean processed(String rolloutId, String eventId) {
    return processed.getOrDefault(rolloutId, Set.of()).contains(eventId);
  }

  @Override
  public synchronized SaveOutcome save(Rollout next, long expectedVersion, String eventId,
      List<AuditEntry> audit) {
    if (processed(next.id(), eventId)) {
      return SaveOutcome.DUPLICATE;
    }
    Rollout current = rollouts.get(next.id());
    long currentVersion = current == null ? 0 : current.version();
    if (currentVersion != expectedVersion) {
      return SaveOutcome.CONFLICT;
    }
    String key = ServicePointer.documentId(next.service(), next.region());
    ServicePointer p = pointers.getOrDefault(key,
        new ServicePointer(next.service(), next.region(), null, null));
    boolean revives = !next.state().terminal() && (current == null || current.state().terminal());
    if (revives && p.activeRolloutId() != null && !p.activeRolloutId().equals(next.id())) {
      return SaveOutcome.BUSY;
    }
    Rollout stored = next.stored(expectedVersion + 1, clock.instant());
    rollouts.put(next.id(), stored);
    processed.computeIfAbsent(next.id(), k -> new HashSet<>()).add(eventId);
    audits.computeIfAbsent(next.id(), k -> new ArrayList<>()).addAll(audit);
    EvidencePoint.between(current == null ? null : current.lastVerdict(), stored,
        stored.updatedAt()).ifPresent(point ->
        evidence.computeIfAbsent(next.id(), k -> new ArrayList<>()).add(point));
    String last = expectedVersion == 0 ? next.id() : p.lastRolloutId();
    // In flight = non-terminal (see RolloutStore.ServicePointer).
    String active = !next.state().terminal() ? next.id()
        : next.id().equals(p.activeRolloutId()) ? null : p.activeRolloutId();
    pointers.put(key, new ServicePointer(next.service(), next.region(), active, last));
    saves++;
    return SaveOutcome.saved(stored);
  }

  @Override
  public synchronized List<AuditEntry> audit(String rolloutId) {
    return List.copyOf(audits.getOrDefault(rolloutId, List.of()));
  }

  @Override
  public synchronized List<EvidencePoint> evidence(String rolloutId) {
    return List.copyOf(evidence.getOrDefault(rolloutId, List.of()));
  }

  /** How many saves succeeded: lets tests prove a duplicate wrote nothing. */
  public synchronized int saveCount() {
    return saves;
  }
}
