package dev.canaryrun.service;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The engine's staleness rule, pure: an event is dropped when older than the limit or dated
 * further in the future than clock skew explains. Without the second half a build claiming to
 * finish next year passes (its age is negative) and, being the "latest", makes every real build
 * after it look out of order (issue 11, defect 5).
 */
public final class EventClock {
  /** Google's clocks and ours agree to well under this; anything beyond is not skew. */
  public static final Duration MAX_SKEW = Duration.ofMinutes(2);

  private EventClock() {}

  /** Empty when the event is current; else why it is dropped. */
  public static Optional<String> problem(String eventId, Instant occurredAt, Instant now,
      Duration maxAge) {
    Duration age = Duration.between(occurredAt, now);
    if (age.compareTo(maxAge) > 0) {
      return Optional.of("event " + eventId + " is " + age.toSeconds() + " s old (limit "
          + maxAge.toSeconds() + " s): dropped");
    }
    if (age.negated().compareTo(MAX_SKEW) > 0) {
      return Optional.of("event " + eventId + " is dated " + occurredAt + ", "
          + age.negated().toSeconds() + " s in the future (clock skew allowance "
          + MAX_SKEW.toSeconds() + " s): dropped");
    }
    return Optional.empty();
  }
}
