package dev.canaryrun.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class RatioEvidenceTest {

  /** The closed form must equal the binomial log likelihood ratio computed the long way. */
  static Stream<Arguments> knownValues() {
    return Stream.of(
        // x, y, nc, ns, r1, r0
        Arguments.of(3, 10, 100.0, 900.0, 2.0, 1.0),
        Arguments.of(0, 25, 50.0, 950.0, 1.5, 1.0),
        Arguments.of(40, 40, 1000.0, 1000.0, 3.0, 1.0),
        Arguments.of(5, 95, 100.0, 1900.0, 1.0, 1.5),
        Arguments.of(1, 0, 10.0, 10.0, 10.0, 1.0));
  }

  @ParameterizedTest
  @MethodSource("knownValues")
  void closedFormMatchesBinomialLikelihood(long x, long y, double nc, double ns, double r1,
      double r0) {
    double p1 = nc * r1 / (nc * r1 + ns);
    double p0 = nc * r0 / (nc * r0 + ns);
    double direct = x * Math.log(p1 / p0) + y * Math.log((1 - p1) / (1 - p0));
    assertEquals(direct, RatioEvidence.logLikelihoodRatio(x, y, nc, ns, r1, r0), 1e-9);
  }

  @Test
  void hand_computed_value() {
    // 1 canary error of 2 total, equal traffic, r = 2: p = 2/3; LR = (2/3)(1/3) / (1/2)(1/2)
    assertEquals(Math.log((2.0 / 3) * (1.0 / 3) / 0.25),
        RatioEvidence.logLikelihoodRatio(1, 1, 100, 100, 2, 1), 1e-12);
    // No events, or no traffic on one side: no evidence either way.
    assertEquals(0.0, RatioEvidence.logLikelihoodRatio(0, 0, 100, 100, 2, 1));
    assertEquals(0.0, RatioEvidence.logLikelihoodRatio(3, 0, 100, 0, 2, 1));
    // Mixture of two equally weighted ratios e^0 and e^ln3: (1 + 3) / 2 = 2.
    assertEquals(Math.log(2), RatioEvidence.logMixture(new double[] {0.5, 0.5},
        new double[] {0, Math.log(3)}), 1e-12);
  }

  static Stream<Arguments> monotone() {
    return Stream.of(Arguments.of(100.0, 900.0), Arguments.of(500.0, 500.0),
        Arguments.of(50.0, 2950.0));
  }

  @ParameterizedTest
  @MethodSource("monotone")
  void evidenceGrowsWithCanaryShareOfEvents(double nc, double ns) {
    double previous = Double.NEGATIVE_INFINITY;
    for (int x = 0; x <= 20; x++) {
      double llr = RatioEvidence.logLikelihoodRatio(x, 20 - x, nc, ns, 2, 1);
      assertTrue(llr > previous, "x=" + x);
      previous = llr;
    }
    // and, for the same counts, more canary traffic explains them better: less evidence
    double less = RatioEvidence.logLikelihoodRatio(5, 15, nc * 2, ns, 2, 1);
    assertTrue(less < RatioEvidence.logLikelihoodRatio(5, 15, nc, ns, 2, 1));
  }
}
