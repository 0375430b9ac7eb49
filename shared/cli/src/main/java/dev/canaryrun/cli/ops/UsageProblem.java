package dev.canaryrun.cli.ops;

/** A command line the CLI cannot act on (exit code 2): the message says what to change. */
public final class UsageProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageProblem(String message) {
    super(message);
  }
}
