package dev.canaryrun.port;

/** A failure worth retrying (UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED): functions rethrow it. */
public class TransientFailure extends RuntimeException {
  public TransientFailure(String message, Throwable cause) {
    super(message, cause);
  }

  public TransientFailure(String message) {
    super(message);
  }
}
