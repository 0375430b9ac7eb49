package dev.canaryrun.rollout;

import dev.canaryrun.judge.JudgeState;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.policy.RolloutPolicy;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * One rollout of one candidate revision of one service, stored as one document: the
 * {@link RolloutSpec} (what was asked, fixed at creation), the {@link RolloutStatus} (where it
 * is, what decisions change) and the store's stamp (version and update time).
 *
 * <p>The accessors below read through to spec and status: the fields they name are read in
 * every layer (logs, adapters, the CLI), and {@code r.state()} says as much as
 * {@code r.status().state()}. Writers change the status only.
 *
 * @param version optimistic-concurrency version, 0 for a rollout not yet stored
 * @param updatedAt when the store last saved it; null for a rollout not yet stored (the store
 *     stamps it, nobody predicts it)
 */
public record Rollout(RolloutSpec spec, RolloutStatus status, long version, Instant updatedAt) {

  public Rollout {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(status, "status");
    RolloutState state = status.state();
    int steps = spec.policy().steps().size();
    if ((state == RolloutState.CANARY || state == RolloutState.PAUSED)
        && (status.stepIndex() < 0 || status.stepIndex() >= steps)) {
      throw new IllegalArgumentException(state + " needs a step index in 0.." + (steps - 1)
          + ", got " + status.stepIndex());
    }
  }

  /** A rollout not yet stored. */
  public static Rollout created(RolloutSpec spec, RolloutStatus status) {
    return new Rollout(spec, status, 0, null);
  }

  /**
   * Whether the controller still has work to do: a non-terminal state, a traffic intent that
   * Cloud Run has not confirmed yet (e.g. a superseded candidate still at 5%), or an ended
   * rollout whose split is still to be checked after the settling window.
   */
  public boolean active() {
    return !state().terminal() || traffic().pending() || status.settleAt() != null;
  }

  /**
   * Whether the outcome is final and applied: a terminal state whose split Cloud Run has
   * confirmed. The settling check may still follow ({@link #active()} stays true until then).
   */
  public boolean ended() {
    return state().terminal() && !traffic().pending();
  }

  /** As the store saved it. */
  public Rollout stored(long newVersion, Instant savedAt) {
    return new Rollout(spec, status, newVersion, savedAt);
  }

  public Rollout withStatus(RolloutStatus s) {
    return new Rollout(spec, s, version, updatedAt);
  }

  public Rollout withState(RolloutState s, int step, Instant since, String why) {
    return withStatus(status.withState(s, step, since, why));
  }

  /** PAUSED at the current step: the one transition that must carry a pause. */
  public Rollout paused(Pause p, Instant since, String why) {
    return withStatus(status.paused(p, since, why));
  }

  public Rollout withTraffic(TrafficIntent t) {
    return withStatus(status.withTraffic(t));
  }

  public Rollout withDeployment(String stable, String url) {
    return withStatus(status.withDeployment(stable, url));
  }

  public Rollout withJudge(JudgeState j, Verdict v) {
    return withStatus(status.withJudge(j, v));
  }

  public Rollout withStableIncidents(Set<String> incidents) {
    return withStatus(status.withStableIncidents(incidents));
  }

  Rollout withDrillTimes(DrillTimes d) {
    return withStatus(status.withDrill(d));
  }

  Rollout settlingAt(Instant at) {
    return withStatus(status.settlingAt(at));
  }

  Rollout restarted() {
    return withStatus(status.restarted());
  }

  // ---- read-through accessors: spec ----------------------------------------------------------

  public String id() {
    return spec.id();
  }

  public String service() {
    return spec.service();
  }

  public String region() {
    return spec.region();
  }

  /** The release across regions this rollout belongs to; null for a one-region release. */
  public String releaseId() {
    return spec.releaseId();
  }

  public String image() {
    return spec.image();
  }

  public String buildId() {
    return spec.buildId();
  }

  public Instant builtAt() {
    return spec.builtAt();
  }

  public String candidateRevision() {
    return spec.candidateRevision();
  }

  public boolean adopt() {
    return spec.adopt();
  }

  public RolloutPolicy policy() {
    return spec.policy();
  }

  public Instant createdAt() {
    return spec.createdAt();
  }

  /** The drill this rollout is, or null for a release. */
  public Drill drill() {
    return spec.drill();
  }

  public boolean isDrill() {
    return spec.drill() != null;
  }

  // ---- read-through accessors: status --------------------------------------------------------

  public RolloutState state() {
    return status.state();
  }

  public int stepIndex() {
    return status.stepIndex();
  }

  public Instant stateSince() {
    return status.stateSince();
  }

  public String stableRevision() {
    return status.stableRevision();
  }

  public String candidateUrl() {
    return status.candidateUrl();
  }

  public TrafficIntent traffic() {
    return status.traffic();
  }

  public JudgeState judge() {
    return status.judge();
  }

  public Verdict lastVerdict() {
    return status.lastVerdict();
  }

  public Pause pause() {
    return status.pause();
  }

  public Set<String> stableIncidents() {
    return status.stableIncidents();
  }

  public String reason() {
    return status.reason();
  }

  public Instant settleAt() {
    return status.settleAt();
  }

  /** A drill's alert path so far; {@link DrillTimes#NONE} when nothing happened yet. */
  public DrillTimes drillTimes() {
    return status.drill() == null ? DrillTimes.NONE : status.drill();
  }
}
