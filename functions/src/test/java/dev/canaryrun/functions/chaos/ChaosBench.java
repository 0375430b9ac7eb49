package dev.canaryrun.functions.chaos;

import dev.canaryrun.fixtures.emulator.EmulatorEnvironment;
import dev.canaryrun.fixtures.emulator.WithEmulators;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The fault-and-race suite at full size, printing its figures (not a timed test):
 * {@code mvn -B -pl functions -am verify -Dcanaryrun.chaos=true -Dtest=ChaosBench
 * -Dsurefire.failIfNoSpecifiedTests=false}; the table goes to target/chaos-bench.md.
 */
@WithEmulators
class ChaosBench {

  static ChaosReport run(EmulatorEnvironment env, ChaosRun.Config config) throws Exception {
    try (ChaosWorld world = new ChaosWorld(env.firestoreHost(),
        env.projectId() + "-s" + config.seed(), config.seed(),
        config.faultProbability(), config.wireRate())) {
      ChaosRun run = new ChaosRun(world, config);
      run.run();
      Invariants invariants = new Invariants(world);
      List<String> violations = invariants.check(run.services(), run.acked);
      return ChaosReport.of(config, run, world, invariants.rolloutCount(), violations);
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "canaryrun.chaos", matches = "true")
  void printFigures(EmulatorEnvironment env) throws Exception {
    // Overridable to explore (-Dcanaryrun.chaos.wire=0.1); the README's table uses the defaults.
    double wire = Double.parseDouble(System.getProperty("canaryrun.chaos.wire", "0.03"));
    int seeds = Integer.getInteger("canaryrun.chaos.seeds", 3);
    StringBuilder out = new StringBuilder();
    for (long seed = 1; seed <= seeds; seed++) {
      ChaosReport r = run(env, new ChaosRun.Config(12, 25, 0.10, wire, seed, 6));
      out.append("seed ").append(seed).append('\n').append(r.table()).append('\n');
    }
    System.out.println(out);
    Files.writeString(Path.of("target", "chaos-bench.md"), out.toString());
  }
}
