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
    Copy c = copy();
    c.state = s;
    c.stepIndex = step;
    c.stateSince = since;
    c.reason = why;
    c.pause = s == RolloutState.PAUSED ? pause : null;
    return c.build();
  }

  /** PAUSED at the current step: the one transition that must carry a pause. */
  public Rollout paused(Pause p, Instant since, String why) {
    Copy c = copy();
    c.state = RolloutState.PAUSED;
    c.stateSince = since;
    c.reason = why;
    c.pause = p;
    return c.build();
  }

  public Rollout withTraffic(TrafficIntent t) {
    Copy c = copy();
    c.traffic = t;
    return c.build();
  }

  public Rollout withDeployment(String stable, String url) {
    Copy c = copy();
    c.stableRevision = stable;
    c.candidateUrl = url;
    return c.build();
  }

  public Rollout withJudge(JudgeState j, Verdict v) {
    Copy c = copy();
    c.judge = j;
    c.lastVerdict = v;
    return c.build();
  }

  public Rollout withStableIncidents(Set<String> incidents) {
    Copy c = copy();
    c.stableIncidents = incidents;
    return c.build();
  }

  /** Stamped by the store on save. */
  public Rollout withVersion(long v, Instant updated) {
    Copy c = copy();
    c.version = v;
    c.updatedAt = updated;
    return c.build();
  }

  /** The same candidate, ready to start again: no step, no traffic, no evidence, no pause. */
  Rollout restarted() {
    Copy c = copy();
    c.stepIndex = -1;
    c.traffic = TrafficIntent.none();
    c.judge = null;
    c.lastVerdict = null;
    c.pause = null;
    c.stableIncidents = Set.of();
    return c.build();
  }

  Copy copy() {
    return new Copy(this);
  }

  /**
   * The one place that lists every field: the withers change what they name and rebuild
   * through the validating constructor, so adding a field touches this class only here.
   */
  static final class Copy {
    private final String id;
    private final String service;
    private final String region;
    private final String image;
    private final String buildId;
    private final Instant builtAt;
    private final String candidateRevision;
    private final boolean adopt;
    private final RolloutPolicy policy;
    private final Instant createdAt;
    String stableRevision;
    String candidateUrl;
    RolloutState state;
    int stepIndex;
    Instant stateSince;
    TrafficIntent traffic;
    JudgeState judge;
    Verdict lastVerdict;
    Pause pause;
    Set<String> stableIncidents;
    String reason;
    Instant updatedAt;
    long version;

    private Copy(Rollout r) {
      id = r.id;
      service = r.service;
      region = r.region;
      image = r.image;
      buildId = r.buildId;
      builtAt = r.builtAt;
      candidateRevision = r.candidateRevision;
      adopt = r.adopt;
      policy = r.policy;
      createdAt = r.createdAt;
      stableRevision = r.stableRevision;
      candidateUrl = r.candidateUrl;
      state = r.state;
      stepIndex = r.stepIndex;
      stateSince = r.stateSince;
      traffic = r.traffic;
      judge = r.judge;
      lastVerdict = r.lastVerdict;
      pause = r.pause;
      stableIncidents = r.stableIncidents;
      reason = r.reason;
      updatedAt = r.updatedAt;
      version = r.version;
    }

    Rollout build() {
      return new Rollout(id, service, region, image, buildId, builtAt, candidateRevision,
          stableRevision, candidateUrl, adopt, policy, state, stepIndex, stateSince, traffic, judge,
          lastVerdict, pause, stableIncidents, reason, createdAt, updatedAt, version);
    }
  }
}
