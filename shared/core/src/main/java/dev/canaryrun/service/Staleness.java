package dev.canaryrun.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Drops events older than the configured age: a build or command delivered after an hour of
 * retries describes a world that has moved on.
 */
final class Staleness {
  private final Clock clock;
  private final Duration maxEventAge;

  Staleness(Clock clock, Duration maxEventAge) {
    this.clock = clock;
    this.maxEventAge = maxEventAge;
  }

  Optional<HandleResult> check(String eventId, Instant occurredAt, String rolloutId) {
    Duration age = Duration.between(occurredAt, clock.instant());
    if (age.compareTo(maxEventAge) <= 0) {
      return Optional.empty();
    }
    HandleResult h = HandleResult.ignored(rolloutId, "event " + eventId + " is "
        + age.toSeconds() + " s old (limit " + maxEventAge.toSeconds() + " s): dropped");
    DecisionLoop.logResult(h.status(), rolloutId, h.message(), eventId);
    return Optional.of(h);
  }
}
