package dev.canaryrun.gcp.store;

import com.google.api.gax.rpc.AlreadyExistsException;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import dev.canaryrun.port.DrillReports;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.report.DrillReport;
import java.util.ArrayList;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/**
 * {@link DrillReports} on {@code drills/{rolloutId}}. A report is created, never overwritten
 * (Firestore's create fails if the document exists), so two invocations that both see a
 * drill end publish its event once. Reports of a service are found with a single-field
 * equality query (no composite index) and sorted here: a service has a drill a week.
 */
public final class FirestoreDrillReports implements DrillReports {
  public static final String DRILLS = "drills";

  private final Firestore db;

  public FirestoreDrillReports(Firestore db) {
    this.db = db;
  }

  @Override
  public boolean save(DrillReport report) {
    try {
      db.collection(DRILLS).document(report.rolloutId()).create(DrillFields.write(report)).get();
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AlreadyExistsException) {
        return false;
      }
      throw new TransientFailure("writing drills/" + report.rolloutId() + " failed: "
          + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientFailure("interrupted writing drills/" + report.rolloutId(), e);
    }
  }

  @Override
  public Optional<DrillReport> find(String rolloutId) {
    DocumentSnapshot d = get(() -> db.collection(DRILLS).document(rolloutId).get().get());
    return d.exists() ? Optional.of(DrillFields.readReport(d.getId(), d.getData()))
        : Optional.empty();
  }

  @Override
  public List<DrillReport> ofService(String service, int limit) {
    List<DrillReport> out = new ArrayList<>();
    for (QueryDocumentSnapshot d : get(() -> db.collection(DRILLS)
        .whereEqualTo("service", service).get().get()).getDocuments()) {
      out.add(DrillFields.readReport(d.getId(), d.getData()));
    }
    out.sort(Comparator.comparing((DrillReport r) -> r.startedAt() == null ? Instant.EPOCH
        : r.startedAt()).reversed());
    return out.subList(0, Math.min(limit, out.size()));
  }

  private interface Call<T> {
    T run() throws Exception;
  }

  private static <T> T get(Call<T> call) {
    try {
      return call.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientFailure("interrupted reading drills", e);
    } catch (Exception e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new TransientFailure("reading drills failed: " + cause, cause);
    }
  }
}
