package dev.canaryrun.functions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Runs {@link FunctionsBench} through Maven (it needs the test classpath):
 * {@code mvn -B -pl functions -am verify -Dcanaryrun.bench=true -Dtest=FunctionsBenchRunner
 * -Dsurefire.failIfNoSpecifiedTests=false}. Skipped in ordinary builds.
 */
@EnabledIfSystemProperty(named = "canaryrun.bench", matches = "true")
class FunctionsBenchRunner {
  @Test
  void printFigures() throws Exception {
    FunctionsBench.main(new String[0]);
  }
}
