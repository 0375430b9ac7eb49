package dev.canaryrun.cli.ops;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * {@code ./canaryrun}: operate canaryrun from a terminal. Exit codes: 0 done, 1 the
 * operation failed or was rejected, 2 the command line is wrong ({@code --help} on every
 * command). The launcher script runs {@code test} itself.
 */
@Command(name = "canaryrun", mixinStandardHelpOptions = true, version = "canaryrun 0.1.0",
    description = "Progressive delivery for Google Cloud Run: watch and steer rollouts.",
    subcommands = {StatusCommand.class, ReadCommands.Get.class, ReadCommands.History.class,
        ReadCommands.Explain.class, VerdictCommand.class, BacktestCommand.class,
        DashboardCommand.class, Verbs.Pause.class,
        Verbs.Resume.class, Verbs.Promote.class, Verbs.Rollback.class, Verbs.Retry.class,
        DrillCommand.class,
        CanaryrunCli.Demo.class, CanaryrunCli.Bench.class, CanaryrunCli.TickBench.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:the operation failed or was rejected (the message says why)",
        "2:wrong command line"},
    footerHeading = "%nEnvironment:%n",
    footer = {"  FIRESTORE_EMULATOR_HOST, PUBSUB_EMULATOR_HOST  the emulators (else the real "
        + "services, Application Default Credentials)",
        "  CANARYRUN_RUN_ENDPOINT  a local Cloud Run control plane (plaintext gRPC host:port)",
        "  CANARYRUN_MONITORING_ENDPOINT  a local Cloud Monitoring (the dashboard's charts, "
            + "backtest)",
        "  CANARYRUN_PROJECT, CANARYRUN_REGION, CANARYRUN_DATABASE  defaults for --project, "
            + "--region, the Firestore database",
        "  CANARYRUN_ACTOR  your name against the emulators (default $USER@local)",
        "  ./canaryrun test  runs every test (Terraform validation, then Maven)"})
public final class CanaryrunCli implements Runnable {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  private final CliContext context;

  public CanaryrunCli(CliContext context) {
    this.context = context;
  }

  CliContext context() {
    return context;
  }

  /** Runs one command line; returns the exit code. */
  public static int run(CliContext context, String... args) {
    CommandLine cli = new CommandLine(new CanaryrunCli(context))
        .setOut(context.out()).setErr(context.err())
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          context.err().println("canaryrun: " + OperatorBackend.rootMessage(e));
          return FAILED;
        });
    cli.getSubcommands().get("demo").setUnmatchedOptionsArePositionalParams(true);
    cli.getSubcommands().get("bench").setUnmatchedOptionsArePositionalParams(true);
    cli.getSubcommands().get("tick-bench").setUnmatchedOptionsArePositionalParams(true);
    int code = cli.execute(args);
    context.out().flush();
    context.err().flush();
    return code;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(context.out());
  }

  /** The tools keep their own flag parsers; their arguments pass through untouched. */
  abstract static class PassThrough implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "ARGS", description = "the tool's own flags "
        + "(--help for them)")
    List<String> args = List.of();

    @Unmatched
    List<String> unmatched = List.of();

    String[] argv() {
      return java.util.stream.Stream.concat(args.stream(), unmatched.stream())
          .toArray(String[]::new);
    }
  }

  @Command(name = "demo", description = "The whole system on one machine: three releases, a "
      + "live view, a summary (--keep: leave it running for the CLI; docs/DEMO.md).",
      helpCommand = true)
  static final class Demo extends PassThrough {
    @Override
    public Integer call() {
      return dev.canaryrun.cli.demo.Demo.main(argv());
    }
  }

  @Command(name = "bench", description = "Compare canary judges on simulated traffic.",
      helpCommand = true)
  static final class Bench extends PassThrough {
    @Override
    public Integer call() throws Exception {
      dev.canaryrun.bench.BenchMain.main(argv());
      return OK;
    }
  }

  @Command(name = "tick-bench", description = "One tick over many active rollouts through the "
      + "real adapters.", helpCommand = true)
  static final class TickBench extends PassThrough {
    @Override
    public Integer call() throws Exception {
      dev.canaryrun.cli.tickbench.TickBench.main(argv());
      return OK;
    }
  }
}
