package dev.canaryrun.gcp.run;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import dev.canaryrun.port.PermanentFailure;
import dev.canaryrun.port.TransientFailure;

/** Turns Cloud Run Admin API errors into the two failure kinds the controller acts on. */
final class RunFailures {

  private RunFailures() {}

  /**
   * Transient: the same request may succeed later (the function rethrows, Pub/Sub redelivers).
   * Permanent: it will not (log, ack, report). Unknown codes count as transient: a spurious
   * retry is cheap, a dropped rollout step is not.
   */
  static RuntimeException map(ApiException e, String action, String service, String revision) {
    StatusCode.Code code = e.getStatusCode().getCode();
    String message = "Cloud Run " + action + " failed for service " + service + ", revision "
        + revision + ": " + code + ": " + e.getMessage();
    return switch (code) {
      case INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, FAILED_PRECONDITION, ALREADY_EXISTS,
          UNAUTHENTICATED, OUT_OF_RANGE, UNIMPLEMENTED -> new PermanentFailure(message, e);
      default -> new TransientFailure(message, e);
    };
  }
}
