package dev.canaryrun.rollout;

import dev.canaryrun.policy.SmokeCheckSettings;
import java.util.Map;

/** What a decision asks the outside world to do. The service carries effects out in order. */
public sealed interface Effect {

  /** Create the candidate revision with a tag and no traffic (or adopt the existing one). */
  record DeployRevision(String service, String region, String image, String revision, String tag,
      boolean adopt, dev.canaryrun.policy.CandidateScaling scaling) implements Effect {
    public DeployRevision {
      scaling = scaling == null ? dev.canaryrun.policy.CandidateScaling.none() : scaling;
    }

    /** The candidate scales as the stable revision does. */
    public DeployRevision(String service, String region, String image, String revision,
        String tag, boolean adopt) {
      this(service, region, image, revision, tag, adopt, null);
    }
  }

  /**
   * Observe-only mode: find the candidate revision the team's pipeline made and the stable
   * revision it is compared with, writing nothing (reported back as a DeployCompleted).
   */
  record LocateRevision(String service, String region, String revision) implements Effect {}

  /** GET the health path on the candidate's tag URL. */
  record SmokeCheck(String service, String revision, String url, SmokeCheckSettings settings)
      implements Effect {}

  /**
   * Give the candidate {@code candidatePercent} and the stable revision the rest.
   *
   * @param stableTag a tag for the stable revision (null: none), kept even at 0%: the promotion
   *     of a policy with bake time keeps the previous stable revision addressable
   */
  record SetTraffic(String service, String region, String stableRevision, String candidateRevision,
      String tag, int candidatePercent, String stableTag) implements Effect {

    public SetTraffic(String service, String region, String stableRevision,
        String candidateRevision, String tag, int candidatePercent) {
      this(service, region, stableRevision, candidateRevision, tag, candidatePercent, null);
    }

    /** The split the rollout currently wants, applied or not. */
    public static SetTraffic of(Rollout r) {
      boolean bakes = r.policy().bake().active() && r.state() == RolloutState.PROMOTING;
      return new SetTraffic(r.service(), r.region(), r.stableRevision(), r.candidateRevision(),
          r.policy().candidateTag(), r.traffic().candidatePercent(),
          bakes ? r.policy().bake().stableTag() : null);
    }
  }

  /**
   * Read what Cloud Run serves the candidate now: after a rollout ends, a write that was still
   * in flight may land late and undo it, so the end is checked once the settling window has
   * passed.
   */
  record ObserveTraffic(String service, String region, String candidateRevision)
      implements Effect {}

  /** A lifecycle notification for canaryrun-events subscribers. */
  record Notify(NotificationType type, String message, Map<String, Object> details)
      implements Effect {
    public Notify {
      details = Map.copyOf(details);
    }
  }

  /**
   * Publish a drill incident on canaryrun-alerts, shaped as Cloud Monitoring's notification
   * for an incident on {@code revision} and marked as a drill, so that the rollback goes
   * through the real alert path (README "Rollback drills").
   */
  record FireDrillIncident(String rolloutId, String service, String region, String revision,
      String incidentId) implements Effect {}

  /** Ask for a targeted tick soon, so the rollout does not wait for the next scheduler minute. */
  record ScheduleTick(String rolloutId, int expectedStep) implements Effect {}
}
