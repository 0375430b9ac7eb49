package dev.canaryrun.judge;

import java.util.Map;

/**
 * Whether the canary receives the share of requests it was given. Cloud Run's request_count
 * leaves out requests that never reached a container (max instances reached, for one), so a
 * canary whose requests are turned away would look healthy: its failures vanish from the
 * metric. Since the split is known, its observed share is the tell: {@link #MIN_BUCKETS}
 * consecutive buckets in which the canary received less than half its configured share, over
 * at least {@link #MIN_REQUESTS} requests and {@link #Z} standard errors below it, fail.
 * Consecutive and several, because the buckets around a split change (the intent is known
 * before Cloud Run applies it, and a minute can straddle the change) hold the old share.
 */
final class ExposureCheck {
  static final int MIN_BUCKETS = 5;
  static final double MIN_REQUESTS = 200;
  static final double Z = 5;

  private ExposureCheck() {}

  /** A FAIL check, or null when the canary's share is as configured (or too early to say). */
  static Check check(StepTraffic t) {
    double n = t.shortTotal();
    double p = t.share() / 100.0;
    if (t.shortBuckets() < MIN_BUCKETS || n < MIN_REQUESTS || p <= 0 || p >= 1) {
      return null;
    }
    double observed = t.shortCanary() / n;
    double z = (observed - p) / Math.sqrt(p * (1 - p) / n);
    if (observed >= p / 2 || z > -Z) {
      return null;
    }
    String text = "the canary received " + Fmt.pct(observed) + " of the requests over the last "
        + t.shortBuckets() + " min (" + Fmt.num(t.shortCanary()) + " of " + Fmt.num(n)
        + "), configured " + t.share() + "%: requests are turned away before its "
        + "containers (e.g. max instances reached: they are not in request_count, nor their "
        + "failures) or the split is not applied";
    return new Check("exposure", Outcome.FAIL, text, Map.of("observedShare", observed,
        "configuredShare", p, "requests", n, "zScore", z));
  }
}
