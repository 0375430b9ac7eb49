package dev.canaryrun.bench;

import dev.canaryrun.judge.LatencyHistogram;
import dev.canaryrun.judge.MetricBucket;
import dev.canaryrun.judge.RequestCounts;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Cuts a simulated minute into the parts that become visible at different times
 * ({@link Scenario.Late}): every request, independently, is late with the scenario's
 * probability, by a uniform whole number of minutes. Request counts and the latency
 * histogram are cut separately, as Cloud Run's request_count and request_latencies are
 * separate metrics.
 */
final class LateSplit {
  private LateSplit() {}

  /**
   * The minute's parts by delay: index 0 on time, index k visible k minutes later (null
   * where nothing is). Draws nothing when the scenario has no late points, so such scenarios
   * see exactly the traffic they saw before late points were simulated.
   */
  static MetricBucket[] split(SplittableRandom rnd, MetricBucket b, Scenario.Late late) {
    if (late.share() <= 0) {
      return new MetricBucket[] {b};
    }
    int parts = late.maxMinutes() + 1;
    long[] ok = cut(rnd, b.requests().c2xx(), late);
    long[] err = cut(rnd, b.requests().c5xx(), late);
    List<Long> counts = b.latency().counts();
    long[][] cells = new long[counts.size()][];
    for (int i = 0; i < cells.length; i++) {
      cells[i] = cut(rnd, counts.get(i), late);
    }
    MetricBucket[] out = new MetricBucket[parts];
    for (int k = 0; k < parts; k++) {
      Long[] h = new Long[cells.length];
      long any = ok[k] + err[k];
      for (int i = 0; i < cells.length; i++) {
        h[i] = cells[i][k];
        any += h[i];
      }
      if (k == 0 || any > 0) {
        out[k] = new MetricBucket(b.start(), b.end(),
            new RequestCounts(ok[k], 0, 0, err[k]),
            new LatencyHistogram(b.latency().bounds(), List.of(h)), b.cpuUtilisation(),
            b.memoryUtilisation());
      }
    }
    return out;
  }

  /** {@code visible} plus part {@code k} of the minute's parts (unchanged when none). */
  static MetricBucket plus(MetricBucket visible, MetricBucket[] parts, int k) {
    if (k >= parts.length || parts[k] == null) {
      return visible;
    }
    MetricBucket p = parts[k];
    RequestCounts a = visible.requests();
    RequestCounts c = p.requests();
    return new MetricBucket(visible.start(), visible.end(), new RequestCounts(
        a.c2xx() + c.c2xx(), a.c3xx() + c.c3xx(), a.c4xx() + c.c4xx(), a.c5xx() + c.c5xx()),
        visible.latency().plus(p.latency()), visible.cpuUtilisation(),
        visible.memoryUtilisation());
  }

  /** n items over the delays: element k is how many are k minutes late (0: on time). */
  private static long[] cut(SplittableRandom rnd, long n, Scenario.Late late) {
    long[] out = new long[late.maxMinutes() + 1];
    long left = Sampler.binomial(rnd, n, late.share());
    out[0] = n - left;
    for (int k = late.minMinutes(); k <= late.maxMinutes() && left > 0; k++) {
      // Uniform over the delays still open: the last one takes what is left.
      int open = late.maxMinutes() - k + 1;
      long here = open == 1 ? left : Sampler.binomial(rnd, left, 1.0 / open);
      out[k] = here;
      left -= here;
    }
    return out;
  }
}
