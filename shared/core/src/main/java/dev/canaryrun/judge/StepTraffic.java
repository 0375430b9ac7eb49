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
 * @param shortBuckets consecutive latest buckets in which the canary received less than half
 *     its share (buckets with too few requests to tell are skipped)
 * @param shortCanary canary requests over those buckets
 * @param shortTotal requests of both revisions over those buckets
 */
public record StepTraffic(int share, double canaryRequests, double stableRequests,
    int buckets, int shortBuckets, double shortCanary, double shortTotal) {
  public static final StepTraffic EMPTY = new StepTraffic(0, 0, 0, 0, 0, 0, 0);
  /** A bucket with fewer requests says nothing about the canary's share. */
  static final double MIN_BUCKET_REQUESTS = 20;

  /** A new step's traffic at {@code percent}. */
  static StepTraffic at(int percent) {
    return new StepTraffic(percent, 0, 0, 0, 0, 0, 0);
  }

  StepTraffic plus(RequestCounts canary, RequestCounts stable) {
    double n = canary.total() + stable.total();
    int run = shortBuckets;
    double rc = shortCanary;
    double rn = shortTotal;
    if (n >= MIN_BUCKET_REQUESTS) {
      if (canary.total() / n < share / 200.0) {
        run++;
        rc += canary.total();
        rn += n;
      } else {
        run = 0;
        rc = 0;
        rn = 0;
      }
    }
    return new StepTraffic(share, canaryRequests + canary.total(),
        stableRequests + stable.total(), buckets + 1, run, rc, rn);
  }

  /**
   * Late points of a bucket already consumed in this step: its requests, not another bucket.
   * While a short run is open they go to it too, so that a canary whose points were merely
   * late (not turned away) catches up with its share instead of failing the exposure check.
   */
  StepTraffic plusLate(RequestCounts canary, RequestCounts stable) {
    boolean open = shortBuckets > 0;
    return new StepTraffic(share, canaryRequests + canary.total(),
        stableRequests + stable.total(), buckets, shortBuckets,
        open ? shortCanary + canary.total() : shortCanary,
        open ? shortTotal + canary.total() + stable.total() : shortTotal);
  }

  /** Canary requests per bucket in this step (0 before the first). */
  double canaryPerBucket() {
    return buckets > 0 ? canaryRequests / buckets : 0;
  }

  double stablePerBucket() {
    return buckets > 0 ? stableRequests / buckets : 0;
  }
}
