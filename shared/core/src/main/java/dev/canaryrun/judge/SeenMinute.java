package dev.canaryrun.judge;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the judge has seen so far of one already-consumed bucket, so that points Monitoring
 * makes visible for it later are counted, and counted once: each tick re-reads the bucket and
 * only the excess over these counts is new. Counts only grow (a smaller re-read leaves them as
 * they are), so data that went missing and came back is not counted twice.
 *
 * @param start epoch second of the bucket's start
 * @param requests both revisions' requests and 5xx (request_count)
 * @param canaryTimed canary requests in the latency histogram (request_latencies, a metric
 *     of its own that can be late on its own)
 * @param stableTimed stable requests in the latency histogram
 * @param thresholdsMs per latency quantile, the threshold the two counts below are taken at
 *     (0: none), so that a count is only compared with one taken at the same threshold
 * @param canarySlow per quantile, canary requests at or above its threshold
 * @param stableSlow per quantile, stable requests at or above its threshold
 */
public record SeenMinute(long start, ErrorTally requests, double canaryTimed, double stableTimed,
    List<Double> thresholdsMs, List<Double> canarySlow, List<Double> stableSlow) {
  public SeenMinute {
    requests = requests == null ? ErrorTally.EMPTY : requests;
    thresholdsMs = copy(thresholdsMs);
    canarySlow = copy(canarySlow);
    stableSlow = copy(stableSlow);
  }

  private static List<Double> copy(List<Double> l) {
    return l == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(l));
  }

  /** A bucket consumed with nothing in it (Monitoring writes no point for zero traffic). */
  static SeenMinute nothing(long start) {
    return new SeenMinute(start, ErrorTally.EMPTY, 0, 0, List.of(), List.of(), List.of());
  }

  static double at(List<Double> l, int q) {
    return q < l.size() ? l.get(q) : 0.0;
  }

  double threshold(int q) {
    return at(thresholdsMs, q);
  }
}
