package dev.canaryrun.local;

import com.google.protobuf.Message;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.time.Clock;
import java.util.Optional;

/**
 * Records each unary request into a {@link CallJournal} and applies the faults planned in
 * a {@link FaultInjector}. The fault is applied at half-close, when a unary handler would
 * run, so a failed call never reaches the emulator's state.
 */
final class RecordingInterceptor implements ServerInterceptor {

  private final CallJournal journal;
  private final FaultInjector faults;
  private final Clock clock;

  RecordingInterceptor(CallJournal journal, FaultInjector faults, Clock clock) {
    this.journal = journal;
    this.faults = faults;
    this.clock = clock;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    ServerCall.Listener<Q> delegate = next.startCall(call, headers);
    return new SimpleForwardingServerCallListener<>(delegate) {
      private Message request;
      private boolean failed;

      @Override
      public void onMessage(Q message) {
        if (message instanceof Message m) {
          request = m;
          journal.add(new RecordedCall(method, m, clock.instant()));
        }
        super.onMessage(message);
      }

      @Override
      public void onHalfClose() {
        Optional<FaultInjector.Fault> fault = faults.take(method);
        if (fault.isPresent()) {
          FaultInjector.Fault f = fault.get();
          if (f instanceof FaultInjector.Fail fail) {
            failed = true;
            call.close(fail.status(), new Metadata());
            return;
          } else if (f instanceof FaultInjector.Delay delay) {
            sleep(delay);
          } else if (f instanceof FaultInjector.Before before) {
            before.action().accept(request);
          }
        }
        super.onHalfClose();
      }

      @Override
      public void onComplete() {
        if (!failed) {
          super.onComplete();
        }
      }

      @Override
      public void onCancel() {
        if (!failed) {
          super.onCancel();
        }
      }
    };
  }

  private static void sleep(FaultInjector.Delay d) {
    try {
      Thread.sleep(d.delay().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
