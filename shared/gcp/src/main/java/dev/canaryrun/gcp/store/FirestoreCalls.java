package dev.canaryrun.gcp.store;

import com.google.api.core.ApiFuture;
import com.google.api.gax.rpc.ApiException;
import com.google.cloud.firestore.FirestoreException;
import dev.canaryrun.port.InvocationDeadline;
import dev.canaryrun.port.PermanentFailure;
import dev.canaryrun.port.TransientFailure;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for Firestore futures and turns client errors into the two kinds the functions know:
 * {@link TransientFailure} (rethrow, Pub/Sub redelivers) and {@link PermanentFailure} (ack and
 * report). The client library has already retried what it retries by itself.
 */
final class FirestoreCalls {
  /** Above the client's own RPC deadlines, so it only fires if something hangs. */
  static final Duration TIMEOUT = Duration.ofSeconds(90);

  /**
   * UNKNOWN and CANCELLED included: the client library's own transaction runner retries both
   * (a commit whose outcome is unknown, a stream reset), and acking on them would drop the
   * event, an operator's rollback included. A spurious redelivery is deduplicated.
   */
  private static final Set<Status.Code> TRANSIENT = EnumSet.of(Status.Code.UNAVAILABLE,
      Status.Code.DEADLINE_EXCEEDED, Status.Code.ABORTED, Status.Code.RESOURCE_EXHAUSTED,
      Status.Code.INTERNAL, Status.Code.UNKNOWN, Status.Code.CANCELLED);

  private FirestoreCalls() {}

  /**
   * The future's value, waited for at most {@link #TIMEOUT} and never past the invocation's
   * deadline ({@link InvocationDeadline}; wall time, as Cloud Functions measures its timeout):
   * this bounds the client's own retries and the transaction runner's attempts too. A commit
   * cut short has an unknown outcome, which {@code save} already knows how to resolve, or
   * leaves to the redelivered event.
   */
  static <T> T await(String what, ApiFuture<T> future) {
    Duration wait = InvocationDeadline.bound(TIMEOUT, Clock.systemUTC());
    try {
      return future.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw classify(what, e.getCause() == null ? e : e.getCause());
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new TransientFailure(what + ": no answer from Firestore within "
          + wait.toMillis() + " ms" + (wait.equals(TIMEOUT) ? ""
              : " (the invocation's deadline; the next event finishes the work)"), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientFailure(what + ": interrupted", e);
    }
  }

  static RuntimeException classify(String what, Throwable error) {
    if (error instanceof TransientFailure || error instanceof PermanentFailure) {
      return (RuntimeException) error;
    }
    Status.Code code = code(error);
    String message = what + ": " + (code == null ? "" : code + ": ") + error.getMessage();
    if (code != null && TRANSIENT.contains(code)) {
      return new TransientFailure(message, error);
    }
    return new PermanentFailure(message, error);
  }

  /** The gRPC code anywhere in the cause chain, null when there is none. */
  static Status.Code code(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof ApiException api) {
        Object c = api.getStatusCode().getCode();
        if (c instanceof com.google.api.gax.rpc.StatusCode.Code gax) {
          return Status.Code.valueOf(gax.name());
        }
      }
      if (t instanceof FirestoreException fe && fe.getStatus() != null) {
        return fe.getStatus().getCode();
      }
      if (t instanceof StatusRuntimeException sre) {
        return sre.getStatus().getCode();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
