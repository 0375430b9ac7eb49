package dev.canaryrun.local;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/** Runs a unary handler, turning exceptions into gRPC statuses. */
final class Unary {

  private Unary() {}

  static <T> void answer(StreamObserver<T> out, Supplier<T> handler) {
    T result;
    try {
      result = handler.get();
    } catch (StatusRuntimeException e) {
      out.onError(e);
      return;
    } catch (IllegalArgumentException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (RuntimeException e) {
      out.onError(Status.INTERNAL.withDescription(e.toString()).withCause(e)
          .asRuntimeException());
      return;
    }
    out.onNext(result);
    out.onCompleted();
  }

  /** Offset-based page tokens: opaque enough for clients, trivial to validate. */
  static int pageStart(String token) {
    if (token.isEmpty()) {
      return 0;
    }
    try {
      int start = Integer.parseInt(token);
      if (start < 0) {
        throw new NumberFormatException();
      }
      return start;
    } catch (NumberFormatException e) {
      throw Status.INVALID_ARGUMENT.withDescription("invalid page_token '" + token + "'")
          .asRuntimeException();
    }
  }

  static int pageSize(int requested, int defaultSize) {
    if (requested < 0) {
      throw Status.INVALID_ARGUMENT.withDescription("page_size must be >= 0, got " + requested)
          .asRuntimeException();
    }
    return requested == 0 ? defaultSize : requested;
  }
}
