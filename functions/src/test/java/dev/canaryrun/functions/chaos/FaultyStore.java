package dev.canaryrun.functions.chaos;

import dev.canaryrun.port.RolloutStore;
import dev.canaryrun.port.SaveOutcome;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Rollout;
import java.util.List;
import java.util.Optional;

/** The Firestore store with seeded faults before and after every call. */
record FaultyStore(RolloutStore real, Faults faults) implements RolloutStore {
  @Override
  public Optional<Rollout> find(String rolloutId) {
    return faults.call("find " + rolloutId, () -> real.find(rolloutId));
  }

  @Override
  public Optional<ServicePointer> pointer(String service, String region) {
    return faults.call("pointer " + service, () -> real.pointer(service, region));
  }

  @Override
  public List<ServicePointer> pointers(String service) {
    return faults.call("pointers " + service, () -> real.pointers(service));
  }

  @Override
  public List<Rollout> listActive() {
    return faults.call("listActive", real::listActive);
  }

  @Override
  public boolean processed(String rolloutId, String eventId) {
    return real.processed(rolloutId, eventId);
  }

  @Override
  public SaveOutcome save(Rollout next, long expectedVersion, String eventId,
      List<AuditEntry> audit) {
    return faults.call("save " + next.id(), () -> real.save(next, expectedVersion, eventId, audit));
  }

  @Override
  public List<AuditEntry> audit(String rolloutId) {
    return real.audit(rolloutId);
  }

  @Override
  public List<dev.canaryrun.report.EvidencePoint> evidence(String rolloutId) {
    return real.evidence(rolloutId);
  }
}
