package dev.canaryrun.gcp.store;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.gax.grpc.GrpcStatusCode;
import com.google.api.gax.rpc.ApiExceptionFactory;
import dev.canaryrun.port.PermanentFailure;
import dev.canaryrun.port.TransientFailure;
import io.grpc.Status;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FirestoreCallsTest {
  @ParameterizedTest
  @EnumSource(value = Status.Code.class, names = {"UNAVAILABLE", "DEADLINE_EXCEEDED", "ABORTED",
      "RESOURCE_EXHAUSTED", "INTERNAL", "UNKNOWN", "CANCELLED"})
  void retryableCodesAreTransient(Status.Code code) {
    RuntimeException e = FirestoreCalls.classify("read x", api(code));
    assertInstanceOf(TransientFailure.class, e);
    assertTrue(e.getMessage().contains(code.name()), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(value = Status.Code.class, names = {"PERMISSION_DENIED", "INVALID_ARGUMENT",
      "NOT_FOUND", "FAILED_PRECONDITION", "UNAUTHENTICATED"})
  void otherCodesArePermanent(Status.Code code) {
    RuntimeException e = FirestoreCalls.classify("read x", new ExecutionException(api(code)));
    assertInstanceOf(PermanentFailure.class, e);
    assertTrue(e.getMessage().startsWith("read x: " + code), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(value = Status.Code.class, names = {"UNAVAILABLE", "PERMISSION_DENIED"})
  void grpcStatusExceptionsAreClassifiedToo(Status.Code code) {
    RuntimeException e = FirestoreCalls.classify("x", code.toStatus().asRuntimeException());
    Class<? extends RuntimeException> expected = code == Status.Code.UNAVAILABLE
        ? TransientFailure.class : PermanentFailure.class;
    assertInstanceOf(expected, e);
  }

  private static RuntimeException api(Status.Code code) {
    return ApiExceptionFactory.createException(new RuntimeException("boom"),
        GrpcStatusCode.of(code), false);
  }
}
