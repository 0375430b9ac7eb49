package dev.canaryrun.rollout;

import dev.canaryrun.judge.JudgeState;
import dev.canaryrun.judge.Verdict;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Where the rollout is: everything a decision may change. Adding a field touches this record,
 * its {@link Copy} and the document mapping, nothing else.
 *
 * @param stepIndex index into the policy's steps while CANARY/PAUSED, -1 before the first step
 * @param stateSince when the current state or step began (dwell is measured from it)
 * @param stableRevision the revision serving users when the rollout started; null until the
 *     deploy reports it
 * @param candidateUrl the candidate's tag URL; null until deployed
 * @param judge the judge's carried state; null before the first step
 * @param lastVerdict the last verdict; null before the first judged tick
 * @param pause set while PAUSED
 * @param stableIncidents open Monitoring incidents on the stable revision: progress holds
 *     while any is open, because a comparison against a sick baseline proves nothing
 * @param reason why the rollout is in its current state, in words
 * @param settleAt when to check that Cloud Run still serves what the ended rollout says (a
 *     write still in flight when it ended may land later); null when there is nothing to check
 * @param drill a drill's alert path so far ({@link DrillTimes}); null for releases and drills
 *     that have not reached their first step
 */
public record RolloutStatus(
    RolloutState state,
    int stepIndex,
    Instant stateSince,
    String stableRevision,
    String candidateUrl,
    TrafficIntent traffic,
    JudgeState judge,
    Verdict lastVerdict,
    Pause pause,
    Set<String> stableIncidents,
    String reason,
    Instant settleAt,
    DrillTimes drill) {

  public RolloutStatus {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(stateSince, "stateSince");
    Objects.requireNonNull(traffic, "traffic");
    Objects.requireNonNull(reason, "reason");
    stableIncidents = Set.copyOf(stableIncidents);
    if (state == RolloutState.PAUSED && pause == null) {
      throw new IllegalArgumentException("PAUSED needs a pause");
    }
  }

  /** Without drill times (every release). */
  public RolloutStatus(RolloutState state, int stepIndex, Instant stateSince,
      String stableRevision, String candidateUrl, TrafficIntent traffic, JudgeState judge,
      Verdict lastVerdict, Pause pause, Set<String> stableIncidents, String reason,
      Instant settleAt) {
    this(state, stepIndex, stateSince, stableRevision, candidateUrl, traffic, judge,
        lastVerdict, pause, stableIncidents, reason, settleAt, null);
  }

  /** A new rollout's status: deploying its candidate with no traffic. */
  static RolloutStatus deploying(Instant now, String reason) {
    return new RolloutStatus(RolloutState.DEPLOYING, -1, now, null, null, TrafficIntent.none(),
        null, null, null, Set.of(), reason, null);
  }

  RolloutStatus withState(RolloutState s, int step, Instant since, String why) {
    Copy c = new Copy(this);
    c.state = s;
    c.stepIndex = step;
    c.stateSince = since;
    c.reason = why;
    c.pause = s == RolloutState.PAUSED ? pause : null;
    return c.build();
  }

  RolloutStatus paused(Pause p, Instant since, String why) {
    Copy c = new Copy(this);
    c.state = RolloutState.PAUSED;
    c.stateSince = since;
    c.reason = why;
    c.pause = p;
    return c.build();
  }

  RolloutStatus withTraffic(TrafficIntent t) {
    Copy c = new Copy(this);
    c.traffic = t;
    return c.build();
  }

  RolloutStatus withDeployment(String stable, String url) {
    Copy c = new Copy(this);
    c.stableRevision = stable;
    c.candidateUrl = url;
    return c.build();
  }

  RolloutStatus withJudge(JudgeState j, Verdict v) {
    Copy c = new Copy(this);
    c.judge = j;
    c.lastVerdict = v;
    return c.build();
  }

  RolloutStatus withStableIncidents(Set<String> incidents) {
    Copy c = new Copy(this);
    c.stableIncidents = incidents;
    return c.build();
  }

  RolloutStatus settlingAt(Instant at) {
    Copy c = new Copy(this);
    c.settleAt = at;
    return c.build();
  }

  RolloutStatus withDrill(DrillTimes d) {
    Copy c = new Copy(this);
    c.drill = d;
    return c.build();
  }

  /** The same candidate, ready to start again: no step, no traffic, no evidence, no pause. */
  RolloutStatus restarted() {
    Copy c = new Copy(this);
    c.stepIndex = -1;
    c.traffic = TrafficIntent.none();
    c.judge = null;
    c.lastVerdict = null;
    c.pause = null;
    c.stableIncidents = Set.of();
    c.settleAt = null;
    c.drill = null;
    return c.build();
  }

  /** The one place that lists every field: the withers change what they name. */
  private static final class Copy {
    RolloutState state;
    int stepIndex;
    Instant stateSince;
    String stableRevision;
    String candidateUrl;
    TrafficIntent traffic;
    JudgeState judge;
    Verdict lastVerdict;
    Pause pause;
    Set<String> stableIncidents;
    String reason;
    Instant settleAt;
    DrillTimes drill;

    Copy(RolloutStatus s) {
      state = s.state;
      stepIndex = s.stepIndex;
      stateSince = s.stateSince;
      stableRevision = s.stableRevision;
      candidateUrl = s.candidateUrl;
      traffic = s.traffic;
      judge = s.judge;
      lastVerdict = s.lastVerdict;
      pause = s.pause;
      stableIncidents = s.stableIncidents;
      reason = s.reason;
      settleAt = s.settleAt;
      drill = s.drill;
    }

    RolloutStatus build() {
      return new RolloutStatus(state, stepIndex, stateSince, stableRevision, candidateUrl,
          traffic, judge, lastVerdict, pause, stableIncidents, reason, settleAt, drill);
    }
  }
}
