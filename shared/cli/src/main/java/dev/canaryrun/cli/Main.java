package dev.canaryrun.cli;

import dev.canaryrun.cli.ops.CanaryrunCli;
import dev.canaryrun.cli.ops.CliContext;

/** The entry point behind ./canaryrun: the picocli command tree of {@link CanaryrunCli}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(CanaryrunCli.run(CliContext.system(), args));
  }
}
