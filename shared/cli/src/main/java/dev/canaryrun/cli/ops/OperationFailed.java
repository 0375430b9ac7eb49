package dev.canaryrun.cli.ops;

/**
 * The operation was attempted and did not succeed (exit code 1): an unknown service or
 * rollout, a rejected command, no effect within the wait, Cloud Run or Firestore refusing.
 */
public final class OperationFailed extends RuntimeException {
  private static final long serialVersionUID = 1L;

  OperationFailed(String message) {
    super(message);
  }

  OperationFailed(String message, Throwable cause) {
    super(message, cause);
  }
}
