package dev.canaryrun.gcp.store;

import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.SetOptions;
import com.google.cloud.firestore.Transaction;
import dev.canaryrun.port.RolloutStore.ServicePointer;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The service pointers: {@code services/{service}@{region}}, one per service and region, so
 * that the same service name in two regions is two services with a live rollout each.
 *
 * <p>Documents written before the region was part of the key ({@code services/{service}},
 * "legacy") are still honoured, so that a rollout in flight during the upgrade is not doubled:
 * a save that brings a rollout to life reads the legacy document too, and is BUSY while it
 * names a live rollout of the same region; a save that ends the rollout it names clears it.
 * Saves that do neither (a tick's) never read it, so the upgrade costs them nothing. A legacy
 * document does not say its region: it is the region of the rollout it names.
 */
final class ServicePointers {
  static final String SERVICES = "services";
  static final String ACTIVE_ROLLOUT_ID = "activeRolloutId";
  static final String LAST_ROLLOUT_ID = "lastRolloutId";
  static final String SERVICE = "service";
  static final String REGION = "region";

  private final Firestore db;

  ServicePointers(Firestore db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  DocumentReference ref(String service, String region) {
    return db.collection(SERVICES).document(ServicePointer.documentId(service, region));
  }

  DocumentReference legacyRef(String service) {
    return db.collection(SERVICES).document(service);
  }

  /** The service name a pointer document id stands for (legacy ids are the name). */
  static String serviceOf(String documentId) {
    int at = documentId.indexOf('@');
    return at < 0 ? documentId : documentId.substring(0, at);
  }

  Optional<ServicePointer> read(String service, String region) {
    List<DocumentSnapshot> docs = FirestoreCalls.await("read the pointers of " + service
        + " in " + region, db.getAll(ref(service, region), legacyRef(service)));
    DocumentSnapshot keyed = docs.get(0);
    DocumentSnapshot legacy = docs.get(1);
    String active = keyed.exists() ? keyed.getString(ACTIVE_ROLLOUT_ID) : null;
    String last = keyed.exists() ? keyed.getString(LAST_ROLLOUT_ID) : null;
    if (legacy.exists() && (active == null || last == null)) {
      // Only rollouts created before the upgrade are named here; the keyed document's own
      // values are newer whenever it has them.
      if (active == null) {
        active = inRegion(legacy.getString(ACTIVE_ROLLOUT_ID), region)
            .filter(r -> !r.state().terminal()).map(Rollout::id).orElse(null);
      }
      if (last == null) {
        last = inRegion(legacy.getString(LAST_ROLLOUT_ID), region).map(Rollout::id)
            .orElse(null);
      }
    }
    if (!keyed.exists() && active == null && last == null) {
      return Optional.empty();
    }
    return Optional.of(new ServicePointer(service, region, active, last));
  }

  /** Every region's pointer of the service, by region. */
  List<ServicePointer> all(String service) {
    TreeSet<String> regions = new TreeSet<>();
    for (QueryDocumentSnapshot d : FirestoreCalls.await("query the pointers of " + service,
        db.collection(SERVICES).whereEqualTo(SERVICE, service).get()).getDocuments()) {
      if (d.getString(REGION) != null) {
        regions.add(d.getString(REGION));
      }
    }
    DocumentSnapshot legacy = FirestoreCalls.await("read services/" + service,
        legacyRef(service).get());
    if (legacy.exists()) {
      for (String field : List.of(ACTIVE_ROLLOUT_ID, LAST_ROLLOUT_ID)) {
        rollout(legacy.getString(field)).ifPresent(r -> regions.add(r.region()));
      }
    }
    List<ServicePointer> out = new ArrayList<>();
    for (String region : regions) {
      read(service, region).ifPresent(out::add);
    }
    return out;
  }

  private Optional<Rollout> inRegion(String rolloutId, String region) {
    return rollout(rolloutId).filter(r -> r.region().equals(region));
  }

  private Optional<Rollout> rollout(String rolloutId) {
    if (rolloutId == null) {
      return Optional.empty();
    }
    DocumentSnapshot doc = FirestoreCalls.await("read rollouts/" + rolloutId,
        db.collection(FirestoreRolloutStore.ROLLOUTS).document(rolloutId).get());
    return doc.exists() ? Optional.of(RolloutDocument.read(doc.getId(), doc.getData()))
        : Optional.empty();
  }

  /**
   * Inside a save's transaction, after its other reads: whether a legacy pointer blocks a
   * save that revives {@code next} (it names another live rollout of the same region).
   * Returns the legacy document read, for {@link #clearLegacy}.
   */
  static LegacyRead readLegacy(Transaction tx, DocumentReference legacyRef, Rollout next,
      boolean revives) throws Exception {
    DocumentSnapshot legacy = tx.get(legacyRef).get();
    String active = legacy.exists() ? legacy.getString(ACTIVE_ROLLOUT_ID) : null;
    boolean busy = false;
    if (revives && active != null && !active.equals(next.id())) {
      DocumentSnapshot other = tx.get(legacyRef.getFirestore()
          .collection(FirestoreRolloutStore.ROLLOUTS).document(active)).get();
      if (other.exists()) {
        Fields f = new Fields(other.getData(), other.getReference().getPath());
        busy = next.region().equals(f.string("region"))
            && !f.enumValue("state", RolloutState.class).terminal();
      }
    }
    return new LegacyRead(active, busy);
  }

  /** What a save's transaction learnt from the legacy pointer. */
  record LegacyRead(String activeRolloutId, boolean busy) {}

  /** The ended rollout the legacy pointer names no longer holds it. */
  static void clearLegacy(Transaction tx, DocumentReference legacyRef, LegacyRead legacy,
      Rollout saved) {
    if (legacy != null && saved.state().terminal() && saved.id().equals(legacy.activeRolloutId())) {
      Map<String, Object> clear = new HashMap<>();
      clear.put(ACTIVE_ROLLOUT_ID, null);
      tx.set(legacyRef, clear, SetOptions.merge());
    }
  }

  /**
   * The new rollout becomes the service's last one; an active rollout is the active one; an
   * inactive one clears the pointer only if it still points at it (a newer rollout may own it).
   * The document also carries its service and region, for {@link #all}.
   */
  static Map<String, Object> update(Rollout saved, long expectedVersion, String currentActive) {
    Map<String, Object> update = new HashMap<>();
    if (expectedVersion == 0) {
      update.put(LAST_ROLLOUT_ID, saved.id());
    }
    // "In flight" is a non-terminal state: a terminal rollout still confirming its 0% stays
    // in the active query (to be re-driven) but must not take the service's pointer, or
    // alerts and commands would target it instead of the real canary.
    if (!saved.state().terminal()) {
      if (!saved.id().equals(currentActive)) {
        update.put(ACTIVE_ROLLOUT_ID, saved.id());
      }
    } else if (saved.id().equals(currentActive)) {
      update.put(ACTIVE_ROLLOUT_ID, null);
    }
    if (!update.isEmpty()) {
      update.put(SERVICE, saved.service());
      update.put(REGION, saved.region());
    }
    return update;
  }
}
