package dev.canaryrun.judge;

import java.util.Objects;

/** A verdict and the judge state to store for the next tick. */
public record Judgement(Verdict verdict, JudgeState state) {
  public Judgement {
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(state, "state");
  }
}
