package dev.canaryrun.rollout;

import dev.canaryrun.policy.RolloutPolicy;
import java.time.Instant;
import java.util.Objects;

/**
 * What was asked for: fixed when the rollout is created and never changed by a decision.
 *
 * @param id stable id derived from the service and the build, so a redelivered build event
 *     finds the rollout it already created
 * @param builtAt when the build finished; a build event older than the service's latest
 *     rollout is stale and must not supersede it
 * @param candidateRevision the revision being rolled out (named up front so deploys are
 *     idempotent)
 * @param adopt true when the build deployed the no-traffic revision itself
 * @param policy the policy as it was when the rollout started (later edits do not change a
 *     rollout in flight)
 * @param drill set when the rollout is a rollback drill ({@link Drill}); null for releases
 * @param releaseId the release this rollout is the region {@code region} of, when the policy
 *     spans regions (the rollout's id is then {@code <releaseId>@<region>}); null for a
 *     rollout that is a release of one region
 * @param wave the wave of the release the region is in (0 first); 0 without a release
 */
public record RolloutSpec(
    String id,
    String service,
    String region,
    String image,
    String buildId,
    Instant builtAt,
    String candidateRevision,
    boolean adopt,
    RolloutPolicy policy,
    Instant createdAt,
    Drill drill,
    String releaseId,
    int wave) {

  /** A rollout of one region, or a drill, not part of a release across regions. */
  public RolloutSpec(String id, String service, String region, String image, String buildId,
      Instant builtAt, String candidateRevision, boolean adopt, RolloutPolicy policy,
      Instant createdAt, Drill drill) {
    this(id, service, region, image, buildId, builtAt, candidateRevision, adopt, policy,
        createdAt, drill, null, 0);
  }

  public RolloutSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(buildId, "buildId");
    Objects.requireNonNull(builtAt, "builtAt");
    Objects.requireNonNull(candidateRevision, "candidateRevision");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(createdAt, "createdAt");
    if (wave < 0 || (releaseId == null && wave != 0)) {
      throw new IllegalArgumentException("wave " + wave + " of release " + releaseId);
    }
  }

  /** A release (not a drill). */
  public RolloutSpec(String id, String service, String region, String image, String buildId,
      Instant builtAt, String candidateRevision, boolean adopt, RolloutPolicy policy,
      Instant createdAt) {
    this(id, service, region, image, buildId, builtAt, candidateRevision, adopt, policy,
        createdAt, null);
  }
}
