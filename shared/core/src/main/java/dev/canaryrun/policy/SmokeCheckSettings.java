package dev.canaryrun.policy;

import java.time.Duration;
import java.util.Objects;

/** The check a candidate must pass on its tag URL before it receives any traffic. */
public record SmokeCheckSettings(String path, int expectedStatus, int attempts, Duration timeout) {
  public SmokeCheckSettings {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(timeout, "timeout");
  }

  public static SmokeCheckSettings defaults() {
    return new SmokeCheckSettings("/", 200, 3, Duration.ofSeconds(5));
  }
}
