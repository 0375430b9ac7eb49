package dev.canaryrun.backtest;

import dev.canaryrun.policy.RolloutPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A backtest of a policy over a service's history: every transition found in it, each
 * replayed through the controller's judge and state machine. Pure.
 */
public final class Backtest {
  private Backtest() {}

  /** The transitions, their replays (same order), and what was left out and why. */
  public record Report(History history, RolloutPolicy policy, List<ReplayResult> results,
      List<TransitionFinder.Ignored> ignored) {
    public Report {
      Objects.requireNonNull(history, "history");
      Objects.requireNonNull(policy, "policy");
      results = List.copyOf(results);
      ignored = List.copyOf(ignored);
    }
  }

  public static Report run(History history, RolloutPolicy policy) {
    TransitionFinder.Findings found = TransitionFinder.find(history);
    Replay replay = new Replay(policy);
    List<ReplayResult> results = new ArrayList<>();
    for (Transition t : found.transitions()) {
      results.add(replay.replay(history, t));
    }
    return new Report(history, policy, results, found.ignored());
  }
}
