package dev.canaryrun.policy;

import java.util.List;

/** A policy that cannot be used; the message lists every bad field with its value. */
public final class InvalidPolicyException extends IllegalArgumentException {
  private final List<String> problems;

  public InvalidPolicyException(List<String> problems) {
    super("invalid rollout policy: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
