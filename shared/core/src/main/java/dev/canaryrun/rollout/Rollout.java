package dev.canaryrun.rollout;

import dev.canaryrun.judge.JudgeState;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.policy.RolloutPolicy;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * One rollout of one candidate revision of one service: everything the state machine needs,
 * stored as one document. Nullable fields are documented; everything else is required.
 *
 * @param id stable id derived from the service and the build, so a redelivered build event
 *     finds the rollout it already created
 * @param builtAt when the build finished; a build event older than the service's latest
 *     rollout is stale and must not supersede it
 * @param candidateRevision the revision being rolled out (named up front so deploys are
 *     idempotent)
 * @param stableRevision the revision serving users when the rollout started; null until the
 *     deploy reports it
 * @param candidateUrl the candidate's tag URL; null until deployed
 * @param adopt true when the build deployed the no-traffic revision itself
 * @param policy the policy as it was when the rollout started (later edits do not change a
 *     rollout in flight)
 * @param stepIndex index into policy.steps while CANARY/PAUSED, -1 before the first step
 * @param stateSince when the current state or step began (dwell is measured from it)
 * @param judge the judge's carried state; null before the first step
 * @param lastVerdict the last verdict; null before the first judged tick
 * @param pause set while PAUSED
 * @param stableIncidents open Monitoring incidents on the stable revision: progress holds
 *     while any is open, because a comparison against a sick baseline proves nothing
 * @param reason why the rollout is in its current state, in words
 * @param version optimistic-concurrency version, 0 for a rollout not yet stored
 */
public record Rollout(
    String id,
    String service,
    String region,
    String image,
    String buildId,
    Instant builtAt,
    String candidateRevision,
    String stableRevision,
    String candidateUrl,
    boolean adopt,
    RolloutPolicy policy,
    RolloutState state,
    int stepIndex,
    Instant stateSince,
    TrafficIntent traffic,
    JudgeState judge,
    Verdict lastVerdict,
    Pause pause,
    Set<String> stableIncidents,
    String reason,
    Instant createdAt,
    Instant updatedAt,
    long version) {

  public Rollout {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(buildId, "buildId");
    Objects.requireNonNull(builtAt, "builtAt");
    Objects.requireNonNull(candidateRevision, "candidateRevision");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(stateSince, "stateSince");
    Objects.requireNonNull(traffic, "traffic");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    stableIncidents = Set.copyOf(stableIncidents);
    if ((state == RolloutState.CANARY || state == RolloutState.PAUSED)
        && (stepIndex < 0 || stepIndex >= policy.steps().size())) {
      throw new IllegalArgumentException(state + " needs a step index in 0.."
          + (policy.steps().size() - 1) + ", got " + stepIndex);
    }
    if (state == RolloutState.PAUSED && pause == null) {
      throw new IllegalArgumentException("PAUSED needs a pause");
    }
  }

  /**
   * Whether the controller still has work to do: a non-terminal state, or a traffic intent
   * that Cloud Run has not confirmed yet (e.g. a superseded candidate still at 5%).
   */
  public boolean active() {
    return !state.terminal() || traffic.pending();
  }

  public Rollout withState(RolloutState s, int step, Instant since, String why) {
    return new Rollout(id, service, region, image, buildId, builtAt, candidateRevision, stableRevision,
        candidateUrl, adopt, policy, s, step, since, traffic, judge, lastVerdict,
        s == RolloutState.PAUSED ? pause : null, stableIncidents, why, createdAt, updatedAt,
        version);
  }

  /** PAUSED at the current step: the one transition that must carry a pause. */
  public Rollout paused(Pause p, Instant since, String why) {
    return new Rollout(id, service, region, image, buildId, builtAt, candidateRevision,
        stableRevision, candidateUrl, adopt, policy, RolloutState.PAUSED, stepIndex, since,
        traffic, judge, lastVerdict, p, stableIncidents, why, createdAt, updatedAt, version);
  }

  public Rollout withTraffic(TrafficIntent t) {
    return new Rollout(id, service, region, image, buildId, builtAt, candidateRevision, stableRevision,
        candidateUrl, adopt, policy, state, stepIndex, stateSince, t, judge, lastVerdict, pause,
        stableIncidents, reason, createdAt, updatedAt, version);
  }

  public Rollout withDeployment(String stable, String url) {
    return new Rollout(id, service, region, image, buildId, builtAt, candidateRevision, stable, url, adopt,
        policy, state, stepIndex, stateSince, traffic, judge, lastVerdict, pause, stableIncidents,
        reason, createdAt, updatedAt, version);
  }

  public Rollout withJudge(JudgeState j, Verdict v) {
    return new Rollout(id, service, region, image, buildId, builtAt, candidateRevision, stableRevision,
        candidateUrl, adopt, policy, state, stepIndex, stateSince, traffic, j, v, pause,
        stableIncidents, reason, createdAt, updatedAt, version);
  }

  public Rollout withStableIncidents(Set<String> incidents) {
    return new Rollout(id, service, region, image, buildId, builtAt, candidateRevision, stableRevision,
        candidateUrl, adopt, policy, state, stepIndex, stateSince, traffic, judge, lastVerdict,
        pause, incidents, reason, createdAt, updatedAt, version);
  }

  /** Stamped by the store on save. */
  public Rollout withVersion(long v, Instant updated) {
    return new Rollout(id, service, region, image, buildId, builtAt, candidateRevision, stableRevision,
        candidateUrl, adopt, policy, state, stepIndex, stateSince, traffic, judge, lastVerdict,
        pause, stableIncidents, reason, createdAt, updated, v);
  }
}
