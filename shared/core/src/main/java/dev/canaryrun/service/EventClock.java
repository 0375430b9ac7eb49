package dev.canaryrun.service;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The other half of the engine's staleness rule, pure: a build dated further in the future
 * than clock skew explains is dropped. Without it a build claiming to finish next year passes
 * the age check (its age is negative) and, being the "latest", makes every real build after it
 * look out of order (issue 11, defect 5).
 */
public final class EventClock {
  /** Google's clocks and ours agree to well under this; anything beyond is not skew. */
  public static final Duration MAX_SKEW = Duration.ofMinutes(2);

  private EventClock() {}

  /**
   * Empty unless the event is dated further in the future than clock skew explains; else why
   * it is dropped. Applied to builds only: an alert or a command dated oddly must still land
   * (a missed rollback is worse than an odd timestamp), and only a build's date orders rollouts.
   */
  public static Optional<String> tooNew(String eventId, Instant occurredAt, Instant now) {
    Duration ahead = Duration.between(now, occurredAt);
    if (ahead.compareTo(MAX_SKEW) <= 0) {
      return Optional.empty();
    }
    return Optional.of("event " + eventId + " is dated " + occurredAt + ", " + ahead.toSeconds()
        + " s in the future (clock skew allowance " + MAX_SKEW.toSeconds() + " s): dropped");
  }
}
