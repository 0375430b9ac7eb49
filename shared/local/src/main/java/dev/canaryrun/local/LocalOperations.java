package dev.canaryrun.local;

import com.google.longrunning.GetOperationRequest;
import com.google.longrunning.Operation;
import com.google.longrunning.OperationsGrpc;
import com.google.longrunning.WaitOperationRequest;
import com.google.protobuf.Any;
import com.google.protobuf.Empty;
import com.google.protobuf.Message;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * {@code google.longrunning.Operations} for the mutations of {@link LocalCloudRun}. The
 * change itself is applied at once; with a non-zero {@link #setCompletionDelay delay} the
 * operation only reports {@code done} after that much wall time, so clients exercise
 * their polling path (the v2 Run client polls GetOperation).
 */
final class LocalOperations extends OperationsGrpc.OperationsImplBase {

  private record Entry(Supplier<Operation> done, Operation pending, long readyAtNanos) {}

  private final Map<String, Entry> operations = new ConcurrentHashMap<>();
  private volatile Duration completionDelay = Duration.ZERO;

  void setCompletionDelay(Duration delay) {
    completionDelay = delay;
  }

  /** Registers a finished operation whose response and metadata are {@code result}. */
  Operation complete(String location, Message result) {
    return start(location, result, () -> result, Duration.ZERO);
  }

  /**
   * Registers an operation that is done once {@code work} has passed (and at least the
   * completion delay): Cloud Run's UpdateService operation ends when the service has
   * reconciled, and its response is the service as it is then ({@code done}, read late).
   */
  Operation start(String location, Message now, Supplier<? extends Message> done,
      Duration work) {
    String name = location + "/operations/" + UUID.randomUUID();
    Any packed = Any.pack(now);
    Supplier<Operation> finished = () -> {
      Any result = Any.pack(done.get());
      return Operation.newBuilder()
          .setName(name).setDone(true).setMetadata(result).setResponse(result).build();
    };
    Operation pending = Operation.newBuilder().setName(name).setMetadata(packed).build();
    Duration wait = work.compareTo(completionDelay) > 0 ? work : completionDelay;
    Entry e = new Entry(finished, pending, System.nanoTime() + wait.toNanos());
    operations.put(name, e);
    return current(e);
  }

  private static Operation current(Entry e) {
    return System.nanoTime() >= e.readyAtNanos() ? e.done().get() : e.pending();
  }

  @Override
  public void getOperation(GetOperationRequest request, StreamObserver<Operation> out) {
    Entry e = operations.get(request.getName());
    if (e == null) {
      out.onError(Status.NOT_FOUND.withDescription("operation " + request.getName()
          + " not found").asRuntimeException());
      return;
    }
    out.onNext(current(e));
    out.onCompleted();
  }

  @Override
  public void waitOperation(WaitOperationRequest request, StreamObserver<Operation> out) {
    Entry e = operations.get(request.getName());
    if (e == null) {
      out.onError(Status.NOT_FOUND.withDescription("operation " + request.getName()
          + " not found").asRuntimeException());
      return;
    }
    long timeoutNanos = request.hasTimeout()
        ? request.getTimeout().getSeconds() * 1_000_000_000L + request.getTimeout().getNanos()
        : Long.MAX_VALUE;
    long waitNanos = Math.min(e.readyAtNanos() - System.nanoTime(), timeoutNanos);
    if (waitNanos > 0) {
      try {
        Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }
    out.onNext(current(e));
    out.onCompleted();
  }

  @Override
  public void deleteOperation(com.google.longrunning.DeleteOperationRequest request,
      StreamObserver<Empty> out) {
    operations.remove(request.getName());
    out.onNext(Empty.getDefaultInstance());
    out.onCompleted();
  }
}
