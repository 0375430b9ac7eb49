package dev.canaryrun.cli.demo;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A demo played to its end by a test at 200 req/s, with everything it printed. */
record PlayedDemo(DemoReport report, String text) {

  /**
   * Plays {@code scenario} in {@code workDir}; {@code scenarioName} is what
   * {@code --scenario} would have said (null: the default).
   */
  static PlayedDemo play(Path scenarioName, Path workDir, DemoScenario scenario)
      throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);
    Demo demo = new Demo(new DemoOptions(200, scenarioName, workDir, false, false, out),
        scenario);
    try {
      return new PlayedDemo(demo.run(), captured.toString(StandardCharsets.UTF_8));
    } finally {
      demo.close();
    }
  }
}
