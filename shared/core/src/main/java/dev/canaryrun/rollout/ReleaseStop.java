package dev.canaryrun.rollout;

import dev.canaryrun.policy.RegionPlan.RegionFailureAction;
import dev.canaryrun.rollout.RolloutEvent.ReleaseStopped;
import java.time.Instant;

/**
 * One region of a release across regions, told that the release stopped because another
 * region failed: a region in flight rolls back, a region the release promoted rolls back too
 * unless the policy keeps it ({@code onRegionFailure: keep}), and a region already ended
 * otherwise stays as it is. The actor is canaryrun; the audit entry names the failed regions.
 */
final class ReleaseStop {
  static final String ACTOR = "canaryrun (release)";

  private ReleaseStop() {}

  static Decision stopped(Rollout r, ReleaseStopped e, Instant now) {
    if (r.policy().observeOnly() || !e.releaseId().equals(r.releaseId())) {
      return Decision.noop(r); // not this rollout's release, or nothing of canaryrun's to undo
    }
    String why = "release " + e.releaseId() + " stopped: " + e.failedRegions();
    return switch (r.state()) {
      case DEPLOYING, VERIFYING, CANARY, PAUSED, PROMOTING, BAKING ->
          SharedMoves.rollBack(r, r, e, now, ACTOR, why + "; rolling back " + r.region()
              + ", in flight in the same release", null);
      case PROMOTED -> r.stableRevision() == null
          || r.policy().regions().onRegionFailure() == RegionFailureAction.KEEP
          ? Decision.noop(r)
          : SharedMoves.rollBack(r, r, e, now, ACTOR, why + "; rolling back " + r.region()
              + ", promoted in this release (onRegionFailure rollback) to "
              + r.stableRevision(), null);
      case ROLLING_BACK, ROLLED_BACK, SUPERSEDED, FAILED, OBSERVING, OBSERVED ->
          Decision.noop(r);
    };
  }
}
