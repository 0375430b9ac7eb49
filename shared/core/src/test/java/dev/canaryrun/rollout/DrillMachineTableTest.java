package dev.canaryrun.rollout;

import static dev.canaryrun.rollout.RolloutMachineTableTest.EVENTS;
import static dev.canaryrun.rollout.RolloutMachineTableTest.NOW;
import static dev.canaryrun.rollout.RolloutMachineTableTest.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every (state x event) pair for a rollback drill rollout, with the same columns and outcome
 * words as {@link RolloutMachineTableTest}. Where a drill differs from a release: at CANARY
 * and PAUSED a tick never moves it on, and an hour in (every event here comes an hour after
 * the state began) its incident is long overdue, so any tick rolls it back; its own drill
 * incident rolls it back like an alert on the candidate.
 */
class DrillMachineTableTest {
  static final Map<RolloutState, String> TABLE = new LinkedHashMap<>();

  static {
    // build, newer, deployed, deployFail, smokeOk, smokeFail,
    // tickPass, tickFail, tickInconclusive, alertCandidate, alertStable, resolved,
    // pause, resume, promote, rollback, retry, malformed, applied, outside, observed,
    // drill, drillAlert, releaseStop (a drill is in no release)
    TABLE.put(RolloutState.DEPLOYING, "noop, SUPERSEDED, VERIFYING, FAILED, noop, noop,"
        + " updated, updated, updated, ROLLED_BACK, noop, recorded,"
        + " rejected, rejected, rejected, ROLLED_BACK, rejected, rejected, noop, noop, noop,"
        + " rejected, ROLLED_BACK, noop");
    TABLE.put(RolloutState.VERIFYING, "noop, SUPERSEDED, noop, noop, CANARY#1->5%, FAILED,"
        + " updated, updated, updated, ROLLED_BACK, updated, recorded,"
        + " rejected, rejected, PROMOTING->100%, ROLLED_BACK, rejected, rejected, noop, noop, noop,"
        + " rejected, ROLLED_BACK, noop");
    TABLE.put(RolloutState.CANARY, "noop, SUPERSEDED->0%, noop, noop, noop, noop,"
        + " ROLLING_BACK->0%, ROLLING_BACK->0%, ROLLING_BACK->0%, ROLLING_BACK->0%, updated, recorded,"
        + " PAUSED#1, rejected, PROMOTING->100%, ROLLING_BACK->0%, rejected, rejected, noop, PAUSED#1, noop,"
        + " rejected, ROLLING_BACK->0%, noop");
    TABLE.put(RolloutState.PAUSED, "noop, SUPERSEDED->0%, noop, noop, noop, noop,"
        + " ROLLING_BACK->0%, ROLLING_BACK->0%, ROLLING_BACK->0%, ROLLING_BACK->0%, updated, recorded,"
        + " recorded, CANARY#1, PROMOTING->100%, ROLLING_BACK->0%, rejected, rejected, noop, noop, noop,"
        + " rejected, ROLLING_BACK->0%, noop");
    TABLE.put(RolloutState.PROMOTING, "noop, noop, noop, noop, noop, noop,"
        + " noop, noop, noop, ROLLING_BACK->0%, updated, recorded,"
        + " rejected, rejected, rejected, ROLLING_BACK->0%, rejected, rejected, PROMOTED, noop, noop,"
        + " rejected, ROLLING_BACK->0%, noop");
    TABLE.put(RolloutState.PROMOTED, "noop, noop, noop, noop, noop, noop,"
        + " observes, observes, observes, noop, noop, noop,"
        + " rejected, rejected, rejected, ROLLING_BACK->0%, rejected, rejected, noop, noop, updated,"
        + " rejected, noop, noop");
    TABLE.put(RolloutState.ROLLING_BACK, "noop, noop, noop, noop, noop, noop,"
        + " noop, noop, noop, noop, noop, recorded,"
        + " rejected, rejected, rejected, rejected, rejected, rejected, ROLLED_BACK, noop, noop,"
        + " rejected, noop, noop");
    TABLE.put(RolloutState.ROLLED_BACK, "noop, noop, noop, noop, noop, noop,"
        + " observes, observes, observes, noop, noop, noop,"
        + " rejected, rejected, rejected, rejected, VERIFYING, rejected, noop, noop, updated,"
        + " rejected, noop, noop");
    TABLE.put(RolloutState.SUPERSEDED, "noop, noop, noop, noop, noop, noop,"
        + " observes, observes, observes, noop, noop, noop,"
        + " rejected, rejected, rejected, rejected, VERIFYING, rejected, noop, noop, updated,"
        + " rejected, noop, noop");
    TABLE.put(RolloutState.FAILED, "noop, noop, noop, noop, noop, noop,"
        + " noop, noop, noop, noop, noop, noop,"
        + " rejected, rejected, rejected, rejected, VERIFYING, rejected, noop, noop, noop,"
        + " rejected, noop, noop");
  }

  static Stream<Arguments> pairs() {
    return RolloutMachineTableTest.pairs(TABLE, EVENTS.keySet());
  }

  @Test
  void theTableCoversEveryStateAndEveryColumn() {
    // Every state but observe-only's two (a drill is refused on an observe-only service:
    // canaryrun never changes its traffic) and BAKING (a drill an operator promotes is the
    // stable image at 100%, with nothing to bake).
    List<RolloutState> states = new ArrayList<>(Arrays.asList(RolloutState.values()));
    states.removeAll(List.of(RolloutState.OBSERVING, RolloutState.OBSERVED, RolloutState.BAKING));
    assertEquals(states, new ArrayList<>(TABLE.keySet()));
    for (String row : TABLE.values()) {
      assertEquals(EVENTS.size(), row.split(",").length, row);
    }
  }

  @ParameterizedTest(name = "drill {0} x {1} -> {2}")
  @MethodSource("pairs")
  void everyStateTimesEveryEventHasItsOutcome(RolloutState state, String event, String expected) {
    Rollout before = Rollouts.drillIn(state);
    assertTrue(before.isDrill());
    assertEquals(state, before.state());
    Decision d = Rollouts.MACHINE.decide(before, EVENTS.get(event).apply(before), NOW);
    assertEquals(expected, describe(before, d));
    // A drill never goes up: no decision gives its candidate more than the first step,
    // unless an operator promotes it (the stable image at 100% harms nobody).
    if (!event.equals("promote")) {
      assertTrue(d.next().traffic().candidatePercent()
          <= Math.max(5, before.traffic().candidatePercent()), d.next().traffic().toString());
    }
  }
}
