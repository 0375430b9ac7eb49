package dev.canaryrun.port;

import dev.canaryrun.report.EvidencePoint;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Rollout;
import java.util.List;
import java.util.Optional;

/**
 * Where rollouts, their audit trails and processed event ids live.
 *
 * <p>{@link #save} is the one write: in a single transaction it checks that {@code eventId}
 * has not been processed for this rollout and that the stored version is
 * {@code expectedVersion} (0: the rollout must not exist yet), then writes the rollout with
 * version {@code expectedVersion + 1}, the processed-event record, the audit entries (numbered
 * after the existing ones, in order), the evidence point of a new verdict and the service's
 * pointers, and returns the rollout as
 * stored. A save that brings a rollout to life (creates it, or takes a terminal one back to a
 * live state) while the service's pointer names another live rollout writes nothing and
 * answers {@link SaveResult#BUSY}: at most one live rollout per service, whoever races.
 */
public interface RolloutStore {
  Optional<Rollout> find(String rolloutId);

  /**
   * The pointers of the service in one region to its rollout in flight and its latest rollout:
   * the same service name in two regions is two services, each with one live rollout.
   */
  Optional<ServicePointer> pointer(String service, String region);

  /** The service's pointers in every region it has rollouts in (for the CLI and dashboard). */
  List<ServicePointer> pointers(String service);

  /** Every rollout with {@link Rollout#active()} true. */
  List<Rollout> listActive();

  /**
   * Whether {@code eventId} was applied to the rollout. The service does not ask before
   * deciding ({@link #save} checks it atomically); this is for inspection and tests.
   */
  boolean processed(String rolloutId, String eventId);

  SaveOutcome save(Rollout next, long expectedVersion, String eventId, List<AuditEntry> audit);

  /** The audit trail in order. */
  List<AuditEntry> audit(String rolloutId);

  /**
   * Every verdict the rollout was saved with, in order ({@link EvidencePoint#between}: each
   * save that brings a new verdict writes one, in the same transaction).
   */
  List<EvidencePoint> evidence(String rolloutId);

  /**
   * {@code services/{service}@{region}}: the rollout in flight (a non-terminal one, if any; a
   * terminal rollout still confirming its return to 0% is not "in flight") and the most recent
   * rollout (the target of retry, and of rollback after promotion) of the service in that
   * region.
   */
  record ServicePointer(String service, String region, String activeRolloutId,
      String lastRolloutId) {
    /** The pointer's document id: service names never contain {@code @}. */
    public static String documentId(String service, String region) {
      return service + "@" + region;
    }
  }
}
