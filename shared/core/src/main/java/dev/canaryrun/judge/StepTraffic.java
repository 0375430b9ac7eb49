package dev.canaryrun.judge;

/**
 * The traffic of the current step as observed: the evidence of a step belongs to one share,
 * and the observed requests per minute set how soon a verdict can be expected and whether
 * the canary receives the share it was given.
 *
 * @param share the canary percent this step's evidence belongs to
 * @param canaryRequests canary requests consumed in this step
 * @param stableRequests stable requests consumed in this step
 * @param buckets buckets (minutes) consumed in this step
 */
public record StepTraffic(int share, double canaryRequests, double stableRequests,
    int buckets) {
  public static final StepTraffic EMPTY = new StepTraffic(0, 0, 0, 0);

  StepTraffic plus(RequestCounts canary, RequestCounts stable) {
    return new StepTraffic(share, canaryRequests + canary.total(),
        stableRequests + stable.total(), buckets + 1);
  }

  /** Canary requests per bucket in this step (0 before the first). */
  double canaryPerBucket() {
    return buckets > 0 ? canaryRequests / buckets : 0;
  }

  double stablePerBucket() {
    return buckets > 0 ? stableRequests / buckets : 0;
  }
}
