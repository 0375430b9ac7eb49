package dev.canaryrun.cli.ops;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What a CLI run sees of the world: the environment, the clock, the home directory (gcloud's
 * configuration) and its two streams. {@code Main} passes the process's; tests their own.
 *
 * @param interactive stdout is a terminal: {@code status --watch} redraws in place
 */
public record CliContext(Map<String, String> env, Clock clock, Path home, PrintWriter out,
    PrintWriter err, boolean interactive) {

  public static CliContext system() {
    return new CliContext(System.getenv(), Clock.systemUTC(),
        Path.of(System.getProperty("user.home")), new PrintWriter(System.out, true),
        new PrintWriter(System.err, true), System.console() != null);
  }

  OperatorConfig config(CommonOptions o) {
    return OperatorConfig.resolve(o.project, o.region, env, GcloudConfig.load(env, home));
  }
}
