package dev.canaryrun.policy;

/**
 * What the judge is asked to detect and how sure it must be.
 *
 * @param alpha false-rollback budget of the sequential tests: reject when E >= 1/alpha
 * @param minimumErrorRatio smallest canary/stable 5xx-rate ratio worth catching (PASS needs
 *     enough traffic that this regression would have been caught)
 * @param minimumLatencyIncrease smallest relative latency regression worth catching (0.2 = +20%)
 * @param guardrailErrorRate absolute canary 5xx rate that rolls back at once
 * @param guardrailMinRequests canary requests needed before the guard rail may fire
 * @param maxCpuUtilisation container CPU utilisation (0..1) above which the canary fails
 * @param maxMemoryUtilisation container memory utilisation (0..1) above which the canary fails
 * @param latencyWarmupSeconds the canary's first seconds of traffic left out of the latency
 *     tests (not the errors tests): a new revision starts cold while stable is warm
 */
public record JudgeSettings(
    double alpha,
    double minimumErrorRatio,
    double minimumLatencyIncrease,
    double guardrailErrorRate,
    long guardrailMinRequests,
    double maxCpuUtilisation,
    double maxMemoryUtilisation,
    long latencyWarmupSeconds) {

  /**
   * The default warm-up: two minutes, the cold start the bench's slow-at-first scenario
   * models (1.6x slower for its first two minutes); each warm-up minute delays latency
   * detection by about a minute (docs/BENCH.md).
   */
  public static final long DEFAULT_LATENCY_WARMUP_SECONDS = 120;

  /** Settings with the default latency warm-up. */
  public JudgeSettings(double alpha, double minimumErrorRatio, double minimumLatencyIncrease,
      double guardrailErrorRate, long guardrailMinRequests, double maxCpuUtilisation,
      double maxMemoryUtilisation) {
    this(alpha, minimumErrorRatio, minimumLatencyIncrease, guardrailErrorRate,
        guardrailMinRequests, maxCpuUtilisation, maxMemoryUtilisation,
        DEFAULT_LATENCY_WARMUP_SECONDS);
  }

  public static JudgeSettings defaults() {
    return new JudgeSettings(0.01, 1.5, 0.2, 0.2, 20, 0.95, 0.95,
        DEFAULT_LATENCY_WARMUP_SECONDS);
  }
}
