package dev.canaryrun.functions.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.fixtures.emulator.EmulatorEnvironment;
import dev.canaryrun.fixtures.emulator.WithEmulators;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fault-and-race suite at CI size: builds, ticks, alerts and commands for several services
 * delivered 1-3 times, concurrently, out of order, with faults before and after the calls to
 * Firestore and Cloud Run and on the wire to both (connections cut, replies lost, delays), on
 * the Firestore emulator and the local Cloud Run; then the invariants once quiet. {@code ChaosBench} runs it larger and prints the figures.
 */
@WithEmulators
class ChaosSuiteTest {

  @Test
  void nothingLostNothingDoubledUnderFaultsRacesAndRedeliveries(EmulatorEnvironment env)
      throws Exception {
    ChaosReport report = ChaosBench.run(env, new ChaosRun.Config(5, 10, 0.08, 0.02, 1, 4));
    System.out.println(report.table());
    assertTrue(report.faultsBefore() + report.faultsAfter() > 20, "faults were injected");
    assertTrue(report.firestoreWire().cuts() + report.runWire().cuts() > 0
        && report.firestoreWire().lostReplies() + report.runWire().lostReplies() > 0,
        "connections cut and replies lost on the wire: " + report.firestoreWire() + ", "
            + report.runWire());
    assertTrue(report.duplicates() > 20 && report.redeliveries() > 0, "and redeliveries");
    assertTrue(report.rollouts() >= 5, "rollouts happened");
    assertEquals(List.of(), report.violations());
  }
}
