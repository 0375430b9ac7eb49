package dev.canaryrun.judge;

/** The judge's answer for the evidence so far. */
public enum Outcome {
  /** Enough evidence that the canary is not worse by the policy's smallest effect. */
  PASS,
  /** Evidence that the canary is worse, or a guard rail was crossed: roll back. */
  FAIL,
  /** Not enough evidence either way (too little traffic, too early). Never a PASS. */
  INCONCLUSIVE
}
