package dev.canaryrun.service;

import dev.canaryrun.port.TrafficRouter;
import dev.canaryrun.rollout.Effect.ObserveTraffic;
import dev.canaryrun.rollout.Rollout;

/**
 * What Cloud Run serves an observed candidate, read once per tick: in observe-only mode the
 * team's pipeline sets the split, so the judge must learn it from Cloud Run, not from an intent.
 */
final class ServedShares {
  private final TrafficRouter router;

  ServedShares(TrafficRouter router) {
    this.router = router;
  }

  /** The candidate's percent, or null when Cloud Run could not be read (the next tick reads). */
  Integer read(Rollout r) {
    try {
      return router.candidatePercentServed(
          new ObserveTraffic(r.service(), r.region(), r.candidateRevision()));
    } catch (RuntimeException e) {
      DecisionLog.warn("observe-only: could not read what Cloud Run serves the candidate; it is"
          + " judged on the next tick: " + e.getMessage(), "rolloutId", r.id(), "service",
          r.service());
      return null;
    }
  }
}
