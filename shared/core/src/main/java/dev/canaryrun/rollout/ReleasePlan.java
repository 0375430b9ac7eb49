package dev.canaryrun.rollout;

import dev.canaryrun.policy.RegionPlan;
import dev.canaryrun.policy.RegionPlan.RegionFailureAction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What a release across regions does next, from the states of its regions' rollouts. Pure and
 * idempotent: it is asked after every save that moves a region of the release, and by the tick
 * as the safety net for a missed event, so asking twice (or concurrently, or late) must decide
 * the same. Its answers are carried out with deterministic ids (a region's rollout
 * {@code <release>@<region>}, the stop's event id per release), so a duplicate changes nothing.
 *
 * <ul>
 *   <li>A region ROLLING_BACK, ROLLED_BACK or FAILED stops the release: regions in flight roll
 *       back, regions promoted in the release roll back unless {@code onRegionFailure} is
 *       {@code keep}, and regions not started never start.
 *   <li>A region SUPERSEDED, or a release overtaken by a newer one in any of its regions, ends
 *       the release: its regions in flight step aside as for a newer build, and nothing more
 *       starts (the newer release goes everywhere itself).
 *   <li>Otherwise the first wave with a region not started starts, once every region of the
 *       waves before it is PROMOTED (BAKING is not yet promoted).
 * </ul>
 */
public final class ReleasePlan {
  private ReleasePlan() {}

  /** How the release stands. */
  public enum Standing { IN_PROGRESS, PROMOTED, STOPPED, SUPERSEDED }

  /**
   * @param start regions to start now (one wave, or the part of it a crash left unstarted)
   * @param wave the wave {@code start} belongs to; -1 when nothing starts
   * @param rollBack regions to tell that the release stopped
   * @param stepAside regions to tell that a newer release took over
   * @param why the decision in words, naming the regions and their states
   */
  public record Next(Standing standing, List<String> start, int wave, List<String> rollBack,
      List<String> stepAside, String why) {
    public Next {
      start = List.copyOf(start);
      rollBack = List.copyOf(rollBack);
      stepAside = List.copyOf(stepAside);
      Objects.requireNonNull(standing, "standing");
      Objects.requireNonNull(why, "why");
    }

    public boolean acts() {
      return !start.isEmpty() || !rollBack.isEmpty() || !stepAside.isEmpty();
    }
  }

  /**
   * @param states each started region's rollout state (a region absent: not started)
   * @param overtaken a newer release owns one of this release's regions (its pointer's latest
   *     rollout is another release's)
   */
  public static Next next(RegionPlan plan, Map<String, RolloutState> states, boolean overtaken) {
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(states, "states");
    List<String> failed = plan.regions().stream().filter(states::containsKey)
        .filter(r -> failure(states.get(r))).toList();
    if (!failed.isEmpty()) {
      List<String> back = new ArrayList<>();
      for (String r : plan.regions()) {
        RolloutState s = states.get(r);
        if (s == null || failed.contains(r)) {
          continue;
        }
        boolean keep = s == RolloutState.PROMOTED
            && plan.onRegionFailure() == RegionFailureAction.KEEP;
        if (inFlight(s) || (s == RolloutState.PROMOTED && !keep)) {
          back.add(r);
        }
      }
      List<String> never = notStarted(plan, states);
      return new Next(Standing.STOPPED, List.of(), -1, back, List.of(),
          "stopped by " + describe(failed, states) + (back.isEmpty() ? ""
              : "; rolling back " + describe(back, states))
          + (never.isEmpty() ? "" : "; never started: " + never)
          + (plan.onRegionFailure() == RegionFailureAction.KEEP
              ? " (onRegionFailure keep: promoted regions keep the release)" : ""));
    }
    List<String> superseded = plan.regions().stream()
        .filter(r -> states.get(r) == RolloutState.SUPERSEDED).toList();
    if (!superseded.isEmpty() || overtaken) {
      List<String> aside = plan.regions().stream().filter(states::containsKey)
          .filter(r -> inFlight(states.get(r))).toList();
      return new Next(Standing.SUPERSEDED, List.of(), -1, List.of(), aside,
          "a newer release took over" + (superseded.isEmpty() ? ""
              : " (" + describe(superseded, states) + ")")
          + (aside.isEmpty() ? "" : "; stepping aside: " + describe(aside, states))
          + "; regions not started are the newer release's");
    }
    for (int w = 0; w < plan.waves().size(); w++) {
      List<String> wave = plan.waves().get(w);
      List<String> missing = wave.stream().filter(r -> !states.containsKey(r)).toList();
      if (missing.isEmpty()) {
        List<String> waiting = wave.stream()
            .filter(r -> states.get(r) != RolloutState.PROMOTED).toList();
        if (!waiting.isEmpty()) {
          return new Next(Standing.IN_PROGRESS, List.of(), -1, List.of(), List.of(),
              "wave " + (w + 1) + " of " + plan.waves().size() + " in progress: waiting for "
                  + describe(waiting, states));
        }
        continue; // this wave is promoted everywhere: look at the next
      }
      return new Next(Standing.IN_PROGRESS, missing, w, List.of(), List.of(), w == 0
          ? "starting wave 1 of " + plan.waves().size() + ": " + missing
          : "wave " + w + " promoted in " + plan.waves().get(w - 1) + ": starting wave "
              + (w + 1) + " of " + plan.waves().size() + ": " + missing);
    }
    return new Next(Standing.PROMOTED, List.of(), -1, List.of(), List.of(),
        "promoted in every region: " + plan.regions());
  }

  /** A region whose failure stops its release. */
  static boolean failure(RolloutState s) {
    return s == RolloutState.ROLLING_BACK || s == RolloutState.ROLLED_BACK
        || s == RolloutState.FAILED;
  }

  /** Not ended, not on its way back: a region a stop rolls back. */
  static boolean inFlight(RolloutState s) {
    return switch (s) {
      case DEPLOYING, VERIFYING, CANARY, PAUSED, PROMOTING, BAKING -> true;
      default -> false;
    };
  }

  private static List<String> notStarted(RegionPlan plan, Map<String, RolloutState> states) {
    return plan.regions().stream().filter(r -> !states.containsKey(r)).toList();
  }

  private static String describe(List<String> regions, Map<String, RolloutState> states) {
    return regions.stream().map(r -> r + " " + states.get(r)).collect(Collectors.joining(", "));
  }
}
