package dev.canaryrun.policy;

/**
 * Whether canaryrun steers a service's traffic or only judges it. A team that already shifts
 * traffic in its own pipeline (e.g. {@code gcloud run services update-traffic --to-tags}) can
 * watch the judge work on its own releases before handing traffic to it.
 */
public enum ControlMode {
  /** canaryrun deploys, smoke-checks, moves traffic through the steps, promotes, rolls back. */
  CONTROL,
  /**
   * canaryrun judges the candidate against stable at whatever split the team's pipeline sets,
   * records and publishes its verdicts, and never writes to Cloud Run.
   */
  OBSERVE;

  /** The policy's JSON name: {@code control} or {@code observe}. */
  public String jsonName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
