package dev.canaryrun.port;

/** A failure that retrying will not fix (bad request, missing permission): log, ack, report. */
public class PermanentFailure extends RuntimeException {
  public PermanentFailure(String message, Throwable cause) {
    super(message, cause);
  }

  public PermanentFailure(String message) {
    super(message);
  }
}
