package dev.canaryrun.gcp.store;

import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.QuerySnapshot;
import dev.canaryrun.port.PermanentFailure;
import dev.canaryrun.port.RolloutHistory;
import dev.canaryrun.rollout.Rollout;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * {@link RolloutHistory} on the collections {@link FirestoreRolloutStore} writes:
 * {@code policies/} and {@code services/} (one pointer per service and region, see
 * {@link ServicePointers}) name the services, {@code rollouts/} where
 * {@code service} is one, newest {@code createdAt} first (the composite index
 * {@code rollouts_by_service} in terraform/firestore.tf).
 */
public final class FirestoreRolloutHistory implements RolloutHistory {
  /** The rollout document's service field (RolloutDocument writes it under this name). */
  static final String SERVICE = "service";

  private final Firestore db;

  public FirestoreRolloutHistory(Firestore db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  @Override
  public List<String> services() {
    TreeSet<String> names = new TreeSet<>();
    for (String collection : List.of(FirestorePolicyStore.POLICIES,
        FirestoreRolloutStore.SERVICES)) {
      // listDocuments lists ids without reading the documents: a name is all we need.
      db.collection(collection).listDocuments()
          .forEach(d -> names.add(ServicePointers.serviceOf(d.getId())));
    }
    return List.copyOf(names);
  }

  @Override
  public List<Rollout> ofService(String service, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
    QuerySnapshot result = FirestoreCalls.await("query the rollouts of service " + service,
        db.collection(FirestoreRolloutStore.ROLLOUTS).whereEqualTo(SERVICE, service)
            .orderBy(RolloutDocument.CREATED_AT, Query.Direction.DESCENDING).limit(limit).get());
    List<Rollout> rollouts = new ArrayList<>();
    for (QueryDocumentSnapshot doc : result.getDocuments()) {
      try {
        rollouts.add(RolloutDocument.read(doc.getId(), doc.getData()));
      } catch (RuntimeException e) {
        throw new PermanentFailure("unreadable rollout document " + doc.getId() + ": "
            + e.getMessage(), e);
      }
    }
    return rollouts;
  }
}
