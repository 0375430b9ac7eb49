package dev.canaryrun.judge;

/**
 * Request and 5xx counts of both revisions over some buckets: the rollout totals, and the
 * guard rail's pending window.
 */
public record ErrorTally(double canaryRequests, double canaryErrors, double stableRequests,
    double stableErrors) {
  public static final ErrorTally EMPTY = new ErrorTally(0, 0, 0, 0);

  ErrorTally plus(RequestCounts canary, RequestCounts stable) {
    return new ErrorTally(canaryRequests + canary.total(), canaryErrors + canary.c5xx(),
        stableRequests + stable.total(), stableErrors + stable.c5xx());
  }

  double canaryRate() {
    return canaryRequests > 0 ? canaryErrors / canaryRequests : Double.NaN;
  }

  double stableRate() {
    return stableRequests > 0 ? stableErrors / stableRequests : Double.NaN;
  }
}
