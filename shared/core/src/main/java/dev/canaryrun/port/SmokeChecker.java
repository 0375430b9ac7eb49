package dev.canaryrun.port;

import dev.canaryrun.rollout.Effect.SmokeCheck;

/** Checks a candidate on its tag URL before it gets any traffic. */
public interface SmokeChecker {
  /** Never throws for an unhealthy candidate: that is a result, not an error. */
  Result check(SmokeCheck request);

  /** @param detail what was requested and what came back, for the audit trail */
  record Result(boolean passed, String detail) {}
}
