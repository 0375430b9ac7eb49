package dev.canaryrun.gcp.decode;

/**
 * The Pub/Sub sources. Pub/Sub message ids are unique per topic only (the emulator counts
 * from 1 on every topic), so an event id is the message id qualified by its source: a tick and
 * a command with the same message id must never dedupe each other on one rollout.
 */
public enum EventSource {
  BUILD("build"),
  TICK("tick"),
  ALERT("alert"),
  COMMAND("command"),
  /** Cloud Run's Admin Activity audit log, routed by a Logging sink. */
  REVISION("revision");

  private final String prefix;

  EventSource(String prefix) {
    this.prefix = prefix;
  }

  /** {@code "alert:4711"}: the idempotency key of one message of this source. */
  public String eventId(String messageId) {
    return prefix + ":" + messageId;
  }
}
