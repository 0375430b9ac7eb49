package dev.canaryrun.cli;

import java.util.Arrays;

/** The entry point behind ./canaryrun: one subcommand per job. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
      usage();
      return;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "demo" -> System.exit(dev.canaryrun.cli.demo.Demo.main(rest));
      case "bench" -> dev.canaryrun.bench.BenchMain.main(rest);
      case "tick-bench" -> dev.canaryrun.cli.tickbench.TickBench.main(rest);
      default -> {
        System.err.println("canaryrun: unknown command '" + args[0] + "'");
        usage();
        System.exit(2);
      }
    }
  }

  private static void usage() {
    System.out.println("""
        usage: ./canaryrun <command> [flags]
          demo    the whole system on one machine: three releases, live view, summary
                  (--rate N, --scenario FILE, --no-live; docs/DEMO.md)
          bench   compare canary judges on simulated traffic (--help for flags)
          tick-bench  one tick over many active rollouts through the real adapters
                  (--rollouts N; Firestore emulator + local Monitoring)
          test    run the whole test suite (Maven + Terraform validation)
        """);
  }
}
