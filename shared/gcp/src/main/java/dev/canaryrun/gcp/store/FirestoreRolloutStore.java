package dev.canaryrun.gcp.store;

import com.google.cloud.Timestamp;
import com.google.cloud.firestore.CollectionReference;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldPath;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Precondition;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.QuerySnapshot;
import com.google.cloud.firestore.SetOptions;
import com.google.cloud.firestore.Transaction;
import com.google.cloud.firestore.TransactionOptions;
import dev.canaryrun.port.PermanentFailure;
import dev.canaryrun.port.RolloutStore;
import dev.canaryrun.port.SaveOutcome;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.report.EvidencePoint;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutState;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link RolloutStore} on Firestore, laid out as docs/CONTRACT.md says: {@code rollouts/{id}}
 * with its {@code audit} and {@code events} subcollections, and {@code services/{service}@{region}}
 * pointers ({@link ServicePointers}). Every write goes through {@link #save}: one transaction that commits the rollout,
 * its processed-event record, its audit entries and the service pointer together, or nothing.
 * The version check is optimistic (the rollout is written only if unchanged since it was read),
 * so concurrent savers of one rollout never wait on each other's locks: one wins, the others
 * get CONFLICT at once and decide again on the winner's state.
 */
public final class FirestoreRolloutStore implements RolloutStore {
  /** How long a processed event id is kept (the TTL policy on {@code events.expireAt}). */
  public static final Duration EVENT_RETENTION = Duration.ofDays(7);
  /** Rollouts per page of the active-rollouts query: bounds one response's size. */
  static final int PAGE_SIZE = 500;
  /**
   * Attempts of one save transaction. Firestore aborts a transaction that lost a race for a
   * lock (on the event record or the service pointer); the client library retries it.
   */
  static final int TRANSACTION_ATTEMPTS = 5;

  static final String ROLLOUTS = "rollouts";
  static final String AUDIT = "audit";
  static final String EVIDENCE = "evidence";
  static final String EVENTS = "events";
  static final String SERVICES = ServicePointers.SERVICES;
  static final String EXPIRE_AT = "expireAt";
  /** Which save() call wrote a processed-event record: tells our own commit from a copy's. */
  static final String SAVE_ID = "saveId";

  private final Firestore db;
  private final Clock clock;
  private final int pageSize;
  private final ServicePointers pointers;

  /** @param clock stamps {@code updatedAt} and the processed events' {@code expireAt} */
  public FirestoreRolloutStore(Firestore db, Clock clock) {
    this(db, clock, PAGE_SIZE);
  }

  FirestoreRolloutStore(Firestore db, Clock clock, int pageSize) {
    this.db = Objects.requireNonNull(db, "db");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.pageSize = pageSize;
    this.pointers = new ServicePointers(db);
  }

  @Override
  public Optional<Rollout> find(String rolloutId) {
    DocumentSnapshot doc = FirestoreCalls.await("read rollouts/" + rolloutId,
        rollouts().document(rolloutId).get());
    return doc.exists() ? Optional.of(read(doc)) : Optional.empty();
  }

  @Override
  public Optional<ServicePointer> pointer(String service, String region) {
    return pointers.read(service, region);
  }

  @Override
  public List<ServicePointer> pointers(String service) {
    return pointers.all(service);
  }

  @Override
  public List<Rollout> listActive() {
    Query query = rollouts().whereEqualTo(RolloutDocument.ACTIVE, true)
        .orderBy(RolloutDocument.CREATED_AT).limit(pageSize);
    List<Rollout> active = new ArrayList<>();
    QueryDocumentSnapshot last = null;
    while (true) {
      // startAfter(snapshot) also orders by document name, so rollouts created in the same
      // instant are neither skipped nor repeated across pages.
      Query page = last == null ? query : query.startAfter(last);
      QuerySnapshot result = FirestoreCalls.await("query active rollouts", page.get());
      for (QueryDocumentSnapshot doc : result.getDocuments()) {
        active.add(read(doc));
        last = doc;
      }
      if (result.size() < pageSize) {
        return active;
      }
    }
  }

  @Override
  public boolean processed(String rolloutId, String eventId) {
    return processedRecord(rolloutId, eventId).exists();
  }

  private DocumentSnapshot processedRecord(String rolloutId, String eventId) {
    return FirestoreCalls.await("read processed event " + eventId + " of rollouts/" + rolloutId,
        event(rolloutId, eventId).get());
  }

  @Override
  public SaveOutcome save(Rollout next, long expectedVersion, String eventId,
      List<AuditEntry> audit) {
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(eventId, "eventId");
    List<AuditEntry> entries = List.copyOf(audit);
    DocumentReference rollout = rollouts().document(next.id());
    DocumentReference event = event(next.id(), eventId);
    DocumentReference service = pointers.ref(next.service(), next.region());
    // The version is compared on a plain read and enforced by the commit's precondition
    // (compare-and-set on the document's update time) rather than read inside the transaction:
    // a transactional read takes a lock that every concurrent saver then waits on, and the
    // emulator resolves such waits only by a 2 s lock timeout.
    List<DocumentSnapshot> reads = FirestoreCalls.await("read " + rollout.getPath(),
        db.getAll(rollout, event));
    if (reads.get(1).exists()) {
      return SaveOutcome.DUPLICATE;
    }
    DocumentSnapshot stored = reads.get(0);
    Fields storedFields = new Fields(stored.getData(), rollout.getPath());
    long storedVersion = stored.exists() ? storedFields.longValue(RolloutDocument.VERSION) : 0;
    if (storedVersion != expectedVersion) {
      return SaveOutcome.CONFLICT;
    }
    boolean storedTerminal = stored.exists()
        && storedFields.enumValue("state", RolloutState.class).terminal();
    boolean revives = !next.state().terminal() && (!stored.exists() || storedTerminal);
    // Only a save that revives or ends a rollout can be affected by, or affect, a pointer
    // written before pointers were per region.
    boolean ends = next.state().terminal() && stored.exists() && !storedTerminal;
    String saveId = UUID.randomUUID().toString();
    Write write = new Write(rollout, event, service,
        revives || ends ? pointers.legacyRef(next.service()) : null, next,
        storedVerdict(storedFields), expectedVersion,
        eventId, saveId, entries, stored.exists() ? stored.getUpdateTime() : null,
        stored.exists() ? storedFields.longValue(RolloutDocument.AUDIT_COUNT, 0) : 0, revives);
    TransactionOptions options = TransactionOptions.createReadWriteOptionsBuilder()
        .setNumberOfAttempts(TRANSACTION_ATTEMPTS).build();
    String what = "save rollouts/" + next.id() + " (event " + eventId + ")";
    SaveOutcome outcome;
    try {
      outcome = FirestoreCalls.await(what,
          db.runTransaction(tx -> write.run(tx, clock.instant()), options));
    } catch (PermanentFailure e) {
      Status.Code code = FirestoreCalls.code(e.getCause());
      if (code == Status.Code.FAILED_PRECONDITION || code == Status.Code.ALREADY_EXISTS) {
        return SaveOutcome.CONFLICT; // another save committed since our read
      }
      return committedAnyway(next.id(), eventId, saveId, e);
    } catch (TransientFailure e) {
      return committedAnyway(next.id(), eventId, saveId, e);
    }
    if (outcome == null) {
      // An earlier attempt of this very save committed (see Write.run): it is SAVED, as stored.
      return SaveOutcome.saved(find(next.id()).orElseThrow(() -> new TransientFailure(
          what + ": committed, yet the rollout cannot be read back")));
    }
    return outcome;
  }

  /**
   * A failed commit whose outcome is unknown: the reply may have been lost after Firestore
   * applied it, and the client's retry of a closed transaction then fails with
   * INVALID_ARGUMENT ("Transaction is invalid or closed"). Acking that as permanent would drop
   * the decision's effects; retrying it would find a duplicate and run none of them either. So
   * ask Firestore: if this event's record is ours ({@code saveId}), our save committed and the
   * rollout as stored is returned; if a concurrent copy of the event wrote it, ours is a
   * duplicate; otherwise the failure stands (a transient one is redelivered).
   */
  private SaveOutcome committedAnyway(String rolloutId, String eventId, String saveId,
      RuntimeException failure) {
    boolean applied;
    try {
      DocumentSnapshot record = processedRecord(rolloutId, eventId);
      if (record.exists() && !saveId.equals(record.getString(SAVE_ID))) {
        return SaveOutcome.DUPLICATE;
      }
      applied = record.exists();
    } catch (RuntimeException unreadable) {
      failure.addSuppressed(unreadable);
      throw failure instanceof TransientFailure ? failure
          : new TransientFailure(failure.getMessage(), failure);
    }
    if (!applied) {
      if (failure instanceof PermanentFailure
          && FirestoreCalls.code(failure.getCause()) == Status.Code.INVALID_ARGUMENT) {
        // Not applied and not a precondition: the closed-transaction answer to a retry that
        // raced nothing. Redelivery decides again on the stored state.
        throw new TransientFailure(failure.getMessage(), failure);
      }
      throw failure;
    }
    Rollout stored = find(rolloutId).orElseThrow(() -> failure);
    return SaveOutcome.saved(stored);
  }

  /**
   * The transaction of one save. It reads the processed-event record and the service pointer
   * (both decide what it writes) and writes the rollout only if it is unchanged since
   * {@code storedAt} (absent when null), so the whole save commits or nothing does.
   */
  private record Write(DocumentReference rolloutRef, DocumentReference eventRef,
      DocumentReference serviceRef, DocumentReference legacyRef, Rollout next,
      Verdict previous, long expectedVersion,
      String eventId, String saveId,
      List<AuditEntry> audit, Timestamp storedAt, long auditCount, boolean revives) {

    /**
     * The outcome, or null when the event's record is this save's own: the client's
     * transaction runner runs the function again, on a new transaction, when a commit fails
     * UNAVAILABLE, and a commit whose reply was lost has applied (the emulator accepts the
     * rollback of a committed transaction, so the runner gets that far). Calling that a
     * duplicate would ack the event with the decision's effects never run.
     */
    SaveOutcome run(Transaction tx, Instant now) throws Exception {
      // Firestore transactions read everything before they write anything.
      List<DocumentSnapshot> reads = tx.getAll(eventRef, serviceRef).get();
      if (reads.get(0).exists()) {
        if (saveId.equals(reads.get(0).getString(SAVE_ID))) {
          return null;
        }
        return SaveOutcome.DUPLICATE; // processed since our first read, by another copy
      }
      DocumentSnapshot pointer = reads.get(1);
      String active = pointer.exists()
          ? pointer.getString(ServicePointers.ACTIVE_ROLLOUT_ID) : null;
      if (revives && active != null && !active.equals(next.id())) {
        return SaveOutcome.BUSY; // the pointer is read in this transaction: no race gets past
      }
      ServicePointers.LegacyRead legacy = legacyRef == null ? null
          : ServicePointers.readLegacy(tx, legacyRef, next, revives);
      if (legacy != null && legacy.busy()) {
        return SaveOutcome.BUSY; // a rollout from before the upgrade holds this region
      }

      Rollout saved = next.stored(expectedVersion + 1, now);
      Map<String, Object> doc = RolloutDocument.write(saved, auditCount + audit.size());
      if (storedAt == null) {
        tx.create(rolloutRef, doc); // fails with ALREADY_EXISTS if someone created it first
      } else {
        // update() replaces each listed top-level field, and we list every field.
        tx.update(rolloutRef, doc, Precondition.updatedAt(storedAt));
      }

      Map<String, Object> eventDoc = new HashMap<>();
      eventDoc.put("eventId", eventId);
      eventDoc.put(SAVE_ID, saveId);
      eventDoc.put("processedAt", Fields.timestamp(now));
      eventDoc.put(EXPIRE_AT, Fields.timestamp(now.plus(EVENT_RETENTION)));
      tx.set(eventRef, eventDoc);

      for (int i = 0; i < audit.size(); i++) {
        long seq = auditCount + i + 1;
        tx.set(rolloutRef.collection(AUDIT).document(DocumentIds.auditSeq(seq)),
            AuditDocument.write(audit.get(i), seq));
      }

      EvidencePoint.between(previous, saved, now).ifPresent(point -> tx.set(
          rolloutRef.collection(EVIDENCE).document(DocumentIds.auditSeq(saved.version())),
          EvidenceDocument.write(point)));

      Map<String, Object> pointerUpdate = ServicePointers.update(saved, expectedVersion, active);
      if (!pointerUpdate.isEmpty()) {
        tx.set(serviceRef, pointerUpdate, SetOptions.merge());
      }
      ServicePointers.clearLegacy(tx, legacyRef, legacy, saved);
      return SaveOutcome.saved(saved);
    }
  }

  @Override
  public List<AuditEntry> audit(String rolloutId) {
    return readAll(rolloutId, AUDIT, "audit entry", AuditDocument::read);
  }

  @Override
  public List<EvidencePoint> evidence(String rolloutId) {
    return readAll(rolloutId, EVIDENCE, "evidence point", EvidenceDocument::read);
  }

  /** A rollout's subcollection in document-id order (the ids are zero-padded numbers). */
  private <T> List<T> readAll(String rolloutId, String collection, String what,
      java.util.function.BiFunction<String, Map<String, Object>, T> decode) {
    CollectionReference docs = rollouts().document(rolloutId).collection(collection);
    QuerySnapshot result = FirestoreCalls.await("read the " + collection + " of rollouts/"
        + rolloutId, docs.orderBy(FieldPath.documentId()).get());
    List<T> out = new ArrayList<>();
    for (QueryDocumentSnapshot doc : result.getDocuments()) {
      try {
        out.add(decode.apply(doc.getReference().getPath(), doc.getData()));
      } catch (RuntimeException e) {
        throw new PermanentFailure("unreadable " + what + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  /**
   * The stored verdict (from the document the save reads anyway), to tell whether a save
   * brings a new one; null when there is none or it cannot be read (then the save's point is
   * written: a picture may repeat a verdict, the save itself is never refused for it).
   */
  private static Verdict storedVerdict(Fields stored) {
    try {
      return VerdictFields.read(stored, "lastVerdict");
    } catch (RuntimeException e) {
      return null;
    }
  }

  private CollectionReference rollouts() {
    return db.collection(ROLLOUTS);
  }

  private DocumentReference event(String rolloutId, String eventId) {
    return rollouts().document(rolloutId).collection(EVENTS).document(DocumentIds.event(eventId));
  }

  private static Rollout read(DocumentSnapshot doc) {
    try {
      return RolloutDocument.read(doc.getId(), doc.getData());
    } catch (RuntimeException e) {
      throw new PermanentFailure("unreadable rollout document: " + e.getMessage(), e);
    }
  }
}
