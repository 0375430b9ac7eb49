package dev.canaryrun.gcp.smoke;

import java.time.Duration;

/** Waits between smoke-check attempts; injected so tests run without real pauses. */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration duration) throws InterruptedException;

  /** The real thing. */
  Sleeper SYSTEM = d -> Thread.sleep(d.toMillis());
}
