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
 */
public record JudgeSettings(
    double alpha,
    double minimumErrorRatio,
    double minimumLatencyIncrease,
    double guardrailErrorRate,
    long guardrailMinRequests,
    double maxCpuUtilisation,
    double maxMemoryUtilisation) {

  public static JudgeSettings defaults() {
    return new JudgeSettings(0.01, 1.5, 0.2, 0.2, 20, 0.95, 0.95);
  }
}
