package dev.canaryrun.cli.ops;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** Runs the CLI in this JVM with a given environment; captures its exit code and streams. */
record CliRunner(Map<String, String> env, Path home) {
  record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  Result run(String... args) {
    return at(Clock.systemUTC(), args);
  }

  /** With the CLI's clock set (a backtest's window ends at its "now"). */
  Result at(Clock clock, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = CanaryrunCli.run(new CliContext(env, clock, home,
        new PrintWriter(out, true), new PrintWriter(err, true), false), args);
    return new Result(code, out.toString(), err.toString());
  }
}
