package dev.canaryrun.judge;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One rate-ratio test's accumulated evidence (see {@link RatioTest}): the FAIL log likelihood
 * ratios per alternative (whole rollout), the PASS ones per pass alternative (this step),
 * whether PASS was reached in this step, and the counts behind it for explanations.
 *
 * @param failLlr log LR of FAIL alternative i against r = 1, summed over the rollout
 * @param passLlr log LR of PASS alternative j against the step's null, summed over the step
 * @param passDone whether the PASS e-process crossed 1/alpha in this step (sticky)
 * @param canaryEvents canary events (5xx, or slow requests) over the buckets tested
 * @param stableEvents stable events over the same buckets
 * @param canaryN canary requests over the buckets tested
 * @param stableN stable requests over the buckets tested
 */
public record RatioState(List<Double> failLlr, List<Double> passLlr, boolean passDone,
    double canaryEvents, double stableEvents, double canaryN, double stableN) {
  public static final RatioState EMPTY = new RatioState(List.of(), List.of(), false, 0, 0, 0, 0);

  public RatioState {
    // Absent in a stored document means no evidence yet; missing entries read as zero
    // through llr(), so a list shorter than the test's alternatives is still valid.
    failLlr = failLlr == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(failLlr));
    passLlr = passLlr == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(passLlr));
  }

  static double llr(List<Double> l, int i) {
    return i < l.size() ? l.get(i) : 0.0;
  }

  /** {@code l} with {@code d} added entry by entry (missing entries of l read as zero). */
  static List<Double> plus(List<Double> l, double[] d) {
    int n = Math.max(d.length, l.size());
    List<Double> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      double v = llr(l, k);
      // Adding zero is skipped so a sum reads exactly as it did when stored as a flat map.
      out.add(k < d.length && d[k] != 0 ? v + d[k] : v);
    }
    return out;
  }
}
