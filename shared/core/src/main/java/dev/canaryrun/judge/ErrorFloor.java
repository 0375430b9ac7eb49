package dev.canaryrun.judge;

/**
 * The low-error-rate PASS route of this step: the log LR of a Bernoulli e-process for "the
 * canary's 5xx rate is below the floor", and whether it has crossed 1/alpha (sticky).
 */
public record ErrorFloor(double llr, boolean done) {
  public static final ErrorFloor EMPTY = new ErrorFloor(0, false);
}
