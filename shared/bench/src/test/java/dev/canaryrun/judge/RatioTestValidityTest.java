package dev.canaryrun.judge;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.bench.Sampler;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ratio test's error guarantees on seeded streams. It lives with the bench (same package
 * as the judge, so it reaches the package-private test) because it draws its traffic with the
 * bench's exact Poisson and binomial samplers, which the deployed core does not ship.
 */
class RatioTestValidityTest {

  /**
   * Anytime validity: under the null (same 5xx rate, traffic share varying per bucket) the
   * FAIL mixture, looked at after every bucket, crosses 1/alpha in at most about alpha of
   * 2000 seeded streams; likewise the PASS mixture when the truth sits on its null boundary.
   */
  static Stream<Arguments> nullStreams() {
    return Stream.of(
        // alpha, true ratio, test kind
        Arguments.of(0.05, 1.0, "fail"),
        Arguments.of(0.01, 1.0, "fail"),
        Arguments.of(0.05, 1.5, "pass"),
        Arguments.of(0.05, 6.0, "pass"),
        // the last step's wide PASS tests: twice and four times the default effect, x2 and x3
        Arguments.of(0.01, ErrorTest.wideNull(1.5), "pass"),
        Arguments.of(0.01, ErrorTest.widerNull(1.5), "pass"));
  }

  @ParameterizedTest
  @MethodSource("nullStreams")
  void anytimeValidUnderTheNull(double alpha, double ratio, String kind) {
    SplittableRandom rnd = new SplittableRandom(20250106L);
    RatioTest test = new RatioTest(ErrorTest.ALTERNATIVES);
    int streams = 2000;
    int crossed = 0;
    for (int s = 0; s < streams; s++) {
      RatioState v = RatioState.EMPTY;
      for (int b = 0; b < 90; b++) {
        double share = new double[] {0.05, 0.2, 0.5}[b / 30];
        long nc = poisson(rnd, 3000 * share);
        long ns = poisson(rnd, 3000 * (1 - share));
        long x = binomial(rnd, nc, 0.01 * ratio);
        long y = binomial(rnd, ns, 0.01);
        v = test.observe(v, x, y, nc, ns, ratio);
        double logE = kind.equals("fail") ? test.logFailE(v) : RatioTest.logPassE(v);
        if (logE >= Math.log(1 / alpha)) {
          crossed++;
          break;
        }
      }
    }
    double rate = (double) crossed / streams;
    // binomial standard error at alpha=0.05 over 2000 streams is ~0.005: allow 3 of them
    assertTrue(rate <= alpha + 3 * Math.sqrt(alpha * (1 - alpha) / streams),
        "crossed in " + rate + " of null streams, alpha " + alpha);
  }

  /**
   * Late points (LatePoints): each bucket observed as its on-time part and, a few buckets
   * later, its late part, while the 5xx rate of both revisions swings from bucket to bucket
   * (trouble that hits both). Under the null the FAIL mixture still crosses 1/alpha in at
   * most about alpha of the streams: a late part is a thinning of its bucket's requests.
   */
  @Test
  void latePartsAreValidObservationsUnderTheNull() {
    SplittableRandom rnd = new SplittableRandom(12);
    RatioTest test = new RatioTest(ErrorTest.ALTERNATIVES);
    double alpha = 0.05;
    int streams = 2000;
    int crossed = 0;
    for (int s = 0; s < streams; s++) {
      RatioState v = RatioState.EMPTY;
      java.util.List<long[]> pending = new java.util.ArrayList<>(); // due bucket, x, y, nc, ns
      for (int b = 0; b < 90 && test.logFailE(v) < Math.log(1 / alpha); b++) {
        double rate = b % 7 == 3 ? 0.05 : 0.005; // shared trouble every 7th minute
        long nc = poisson(rnd, 600);
        long ns = poisson(rnd, 2400);
        long x = binomial(rnd, nc, rate);
        long y = binomial(rnd, ns, rate);
        // 30% of the requests (and so of their 5xx) arrive 1-3 buckets later.
        long lx = binomial(rnd, x, 0.3);
        long lnc = lx + binomial(rnd, nc - x, 0.3);
        long ly = binomial(rnd, y, 0.3);
        long lns = ly + binomial(rnd, ns - y, 0.3);
        v = test.observe(v, x - lx, y - ly, nc - lnc, ns - lns, 1.5);
        pending.add(new long[] {b + 1 + rnd.nextInt(3), lx, ly, lnc, lns});
        for (java.util.Iterator<long[]> it = pending.iterator(); it.hasNext(); ) {
          long[] p = it.next();
          if (p[0] == b) {
            v = test.observe(v, p[1], p[2], p[3], p[4], 1.5);
            it.remove();
          }
        }
      }
      if (test.logFailE(v) >= Math.log(1 / alpha)) {
        crossed++;
      }
    }
    double rate = (double) crossed / streams;
    assertTrue(rate <= alpha + 3 * Math.sqrt(alpha * (1 - alpha) / streams),
        "crossed in " + rate + " of null streams with late parts, alpha " + alpha);
  }

  @Test
  void catchesARealRegression() {
    SplittableRandom rnd = new SplittableRandom(7);
    RatioTest test = new RatioTest(ErrorTest.ALTERNATIVES);
    RatioState v = RatioState.EMPTY;
    for (int b = 0; b < 30; b++) {
      long nc = poisson(rnd, 1500);
      long ns = poisson(rnd, 1500);
      v = test.observe(v, binomial(rnd, nc, 0.02), binomial(rnd, ns, 0.01), nc, ns, 1.5);
    }
    assertTrue(test.logFailE(v) > Math.log(1000), "e-value " + Math.exp(test.logFailE(v)));
  }

  static long poisson(SplittableRandom rnd, double mean) {
    return Sampler.poisson(rnd, mean);
  }

  static long binomial(SplittableRandom rnd, long n, double p) {
    return Sampler.binomial(rnd, n, p);
  }
}
