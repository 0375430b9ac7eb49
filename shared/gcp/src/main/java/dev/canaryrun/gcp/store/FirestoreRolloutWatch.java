package dev.canaryrun.gcp.store;

import com.google.cloud.firestore.DocumentChange;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.ListenerRegistration;
import dev.canaryrun.rollout.Rollout;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every change to a rollout document as it happens, from a Firestore snapshot listener (the
 * emulator serves listeners too). The listener's query is "updated since the watch started":
 * every save stamps {@code updatedAt}, so each change enters the result and is reported, while
 * the first snapshot stays small (a listener on the whole collection would first read, and
 * bill, every rollout ever made). That first snapshot is skipped: a watcher wants what changes
 * after it started, and reads the present itself. A document that cannot be decoded is logged
 * and skipped, never thrown into Firestore's listener thread.
 */
public final class FirestoreRolloutWatch {
  private static final Logger LOG = Logger.getLogger(FirestoreRolloutWatch.class.getName());

  static final String UPDATED_AT = "updatedAt";
  /** Saves are stamped by the functions' clocks, which may run a little behind this one. */
  static final Duration SKEW = Duration.ofMinutes(5);

  private final Firestore db;
  private final Clock clock;

  public FirestoreRolloutWatch(Firestore db, Clock clock) {
    this.db = Objects.requireNonNull(db, "db");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Starts listening; {@code onChange} gets each added or modified rollout (removals are TTL
   * clean-up, not news), {@code onError} the listener's failure (it stops then).
   */
  public AutoCloseable start(Consumer<Rollout> onChange, Consumer<RuntimeException> onError) {
    boolean[] first = {true};
    ListenerRegistration registration = db.collection(FirestoreRolloutStore.ROLLOUTS)
        .whereGreaterThanOrEqualTo(UPDATED_AT, Fields.timestamp(clock.instant().minus(SKEW)))
        .addSnapshotListener((snapshot, error) -> {
          if (error != null) {
            onError.accept(error);
            return;
          }
          if (snapshot == null || first[0]) {
            first[0] = false;
            return;
          }
          for (DocumentChange change : snapshot.getDocumentChanges()) {
            if (change.getType() == DocumentChange.Type.REMOVED) {
              continue;
            }
            var doc = change.getDocument();
            Rollout r;
            try {
              r = RolloutDocument.read(doc.getId(), doc.getData());
            } catch (RuntimeException e) {
              LOG.log(Level.WARNING, "unreadable rollout document " + doc.getId() + " skipped", e);
              continue;
            }
            onChange.accept(r);
          }
        });
    return registration::remove;
  }
}
