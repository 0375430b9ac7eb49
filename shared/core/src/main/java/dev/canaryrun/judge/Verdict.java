package dev.canaryrun.judge;

import java.util.List;
import java.util.Objects;

/** The judge's verdict with its explanation: a summary line and every check behind it. */
public record Verdict(Outcome outcome, String summary, List<Check> checks) {
  public Verdict {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(summary, "summary");
    checks = List.copyOf(checks);
  }

  public static Verdict of(Outcome outcome, String summary) {
    return new Verdict(outcome, summary, List.of());
  }
}
