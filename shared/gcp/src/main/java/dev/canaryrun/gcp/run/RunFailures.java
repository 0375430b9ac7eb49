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
    if (isRevisionClash(e)) {
      return revisionClash(e, service, revision);
    }
    StatusCode.Code code = e.getStatusCode().getCode();
    String message = "Cloud Run " + action + " failed for service " + service + ", revision "
        + revision + ": " + code + ": " + e.getMessage();
    return switch (code) {
      case INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, FAILED_PRECONDITION, ALREADY_EXISTS,
          UNAUTHENTICATED, OUT_OF_RANGE, UNIMPLEMENTED -> new PermanentFailure(message, e);
      default -> new TransientFailure(message, e);
    };
  }

  /**
   * Cloud Run's 409 "Revision named '...' with different configuration already exists" (seen
   * on read-modify-write updates: google-cloud-python #11870, terraform-provider-google
   * #14569). It may arrive as ABORTED, which is otherwise an etag race worth retrying; this
   * one is not: the same request will clash again.
   */
  static boolean isRevisionClash(ApiException e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("with different configuration already exists");
  }

  static PermanentFailure revisionClash(ApiException e, String service, String revision) {
    return new PermanentFailure("Cloud Run refused the update of service " + service
        + ": revision " + revision + " already exists with a different configuration ("
        + e.getStatusCode().getCode() + ": " + e.getMessage() + "); retrying cannot help:"
        + " the template must not be resent with that revision name", e);
  }
}
