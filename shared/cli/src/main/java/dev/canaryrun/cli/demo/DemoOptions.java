package dev.canaryrun.cli.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The demo's flags.
 *
 * @param scenario null for the default scenario shipped as a resource
 * @param liveView false to print only the start-up lines and the summary (tests)
 */
public record DemoOptions(double rate, Path scenario, Path logDir,
    boolean liveView, boolean keep, PrintStream out) {

  public static final double DEFAULT_RATE = 200;
  public static final Path DEFAULT_LOG_DIR = Path.of(".canaryrun");

  public DemoOptions {
    Objects.requireNonNull(logDir, "logDir");
    Objects.requireNonNull(out, "out");
    if (!(rate > 0 && rate <= 5000)) {
      throw new IllegalArgumentException("--rate must be a number of requests per second in "
          + "(0, 5000], got " + rate);
    }
  }

  static final String USAGE = """
      usage: ./canaryrun demo [--rate N] [--scenario FILE] [--log-dir DIR] [--no-live] [--keep]
        --rate N         load on the service, requests per second (default 200)
        --scenario FILE  releases to play, JSON (docs/DEMO.md; default: v2 healthy, v3 raised
                         5xx, v4 hit by a Monitoring incident), or "multi-region": one
                         release across three regions in two waves
        --log-dir DIR    where logs go (default .canaryrun): functions.log, demo.log,
                         emulators/, summary.txt
        --no-live        no per-second live view, only the summary
        --keep           after the summary, leave everything running and print the export
                         lines for the CLI (./canaryrun status ...), until Ctrl-C
      """;

  /** Parses the flags after {@code demo}; throws IllegalArgumentException with the problem. */
  public static DemoOptions parse(String[] args, PrintStream out) {
    double rate = DEFAULT_RATE;
    Path scenario = null;
    boolean live = true;
    boolean keep = false;
    Path logDir = DEFAULT_LOG_DIR;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        value = a.substring(eq + 1);
        a = a.substring(0, eq);
      }
      switch (a) {
        case "--rate" -> {
          String v = value != null ? value : next(args, ++i, a);
          try {
            rate = Double.parseDouble(v);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--rate: '" + v + "' is not a number");
          }
        }
        case "--scenario" -> scenario = Path.of(value != null ? value : next(args, ++i, a));
        case "--log-dir" -> logDir = Path.of(value != null ? value : next(args, ++i, a));
        case "--no-live" -> live = false;
        case "--keep" -> keep = true;
        default -> throw new IllegalArgumentException("unknown flag '" + args[i] + "'");
      }
    }
    return new DemoOptions(rate, scenario, logDir, live, keep, out);
  }

  private static String next(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }
}
