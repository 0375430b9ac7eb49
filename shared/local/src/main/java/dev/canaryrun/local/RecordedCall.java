package dev.canaryrun.local;

import com.google.protobuf.Message;
import java.time.Instant;

/**
 * One gRPC request an emulator received, for assertions in tests.
 *
 * @param fullMethod e.g. {@code google.cloud.run.v2.Services/UpdateService}
 * @param request the request message as the client sent it
 * @param at when it arrived (by the emulator's clock)
 */
public record RecordedCall(String fullMethod, Message request, Instant at) {

  /** The bare method name, e.g. {@code UpdateService}. */
  public String method() {
    return FaultInjector.bareMethod(fullMethod);
  }
}
