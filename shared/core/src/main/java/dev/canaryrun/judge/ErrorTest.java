package dev.canaryrun.judge;

import dev.canaryrun.policy.JudgeSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * The errors test: 5xx counts, conditional-binomial rate ratio (see {@link RatioEvidence});
 * FAIL mixture over r in {1.5, 2, 3, 5, 10}, and two PASS routes: the ratio test against the
 * step's effect of interest, or the canary's 5xx rate shown below {@link #RATE_FLOOR}.
 */
final class ErrorTest {
  static final double[] ALTERNATIVES = {1.5, 2, 3, 5, 10};
  /**
   * Prior weights of the FAIL mixture: more mass on the small ratios, whose evidence grows
   * slowly (about (ln r)^2 per event), less on the large ones, which cross quickly whatever
   * their weight (each halving of a weight costs them ln 2 nats, under a minute).
   */
  static final double[] WEIGHTS = {0.3, 0.25, 0.2, 0.15, 0.1};
  /**
   * Share of alpha spent on the errors test; the rest is split over the latency tests:
   * latency data are plentiful and cross far above their threshold within minutes, errors
   * are rare and every nat counts.
   */
  static final double ALPHA_SHARE = 0.95;
  /** Below this 5xx rate a canary is good enough whatever the stable revision does. */
  static final double RATE_FLOOR = 0.001;
  static final double FLOOR_ALTERNATIVE = RATE_FLOOR / 10;

  /**
   * The wide PASS tests' nulls, as multiples of the policy's effect beyond 1: twice it (x2 for
   * the default x1.5) and four times it (x3). Where the traffic cannot rule out the policy's
   * effect within the last step's horizon, ruling out the smallest of these it can (each
   * anytime-valid, at alpha) bounds the harm a promoted regression can do; the machine's
   * StepGate decides when that may end the step, and the verdict says which was ruled out.
   */
  static final double WIDE = 2;
  static final double WIDER = 4;

  private final RatioTest test = new RatioTest(ALTERNATIVES, WEIGHTS);
  /** PASS side only: the FAIL side is the main test's. */
  private final RatioTest wideTest = new RatioTest(new double[0], new double[0]);

  /** What the errors test concludes this tick, and the state with its PASS flags updated. */
  record Result(SequentialEvidence evidence, Check check, boolean fail, boolean pass) {}

  SequentialEvidence consume(SequentialEvidence e, RequestCounts c, RequestCounts st,
      double errNull) {
    RatioState errors = test.observe(e.errors(), c.c5xx(), st.c5xx(), c.total(), st.total(),
        errNull);
    double floorStep = RatioEvidence.logBernoulliRatio(c.c5xx(), c.total(), FLOOR_ALTERNATIVE,
        RATE_FLOOR);
    ErrorFloor floor = new ErrorFloor(floorStep != 0 ? e.floor().llr() + floorStep
        : e.floor().llr(), e.floor().done());
    RatioState wide = wideTest.observe(e.errorsWide(), c.c5xx(), st.c5xx(), c.total(), st.total(),
        wideNull(errNull));
    RatioState wider = wideTest.observe(e.errorsWider(), c.c5xx(), st.c5xx(), c.total(),
        st.total(), widerNull(errNull));
    return e.withErrors(errors, floor).withWide(wide, wider);
  }

  /** Late 5xx of a bucket consumed in an earlier step: FAIL evidence only (see RatioTest). */
  SequentialEvidence consumeFail(SequentialEvidence e, RequestCounts c, RequestCounts st) {
    return e.withErrors(test.observeFail(e.errors(), c.c5xx(), st.c5xx(), c.total(),
        st.total()), e.floor());
  }

  Result judge(SequentialEvidence e, JudgeSettings s, double errNull) {
    double logPass = Math.log(1 / s.alpha());
    double failThreshold = 1 / (s.alpha() * ALPHA_SHARE);
    double logFail = test.logFailE(e.errors());
    boolean fail = logFail >= Math.log(failThreshold);
    RatioState errors = RatioTest.markPass(e.errors(), logPass);
    boolean ratioPass = errors.passDone();
    double floorLlr = e.floor().llr();
    boolean floorPass = e.floor().done() || floorLlr >= logPass;
    RatioState wide = RatioTest.markPass(e.errorsWide(), logPass);
    RatioState wider = RatioTest.markPass(e.errorsWider(), logPass);
    SequentialEvidence next = e.withErrors(errors, new ErrorFloor(floorLlr, floorPass))
        .withWide(wide, wider);
    Check check = check(errors, s, errNull, logFail, failThreshold, fail, ratioPass, floorPass,
        floorLlr);
    if (!fail && !ratioPass && !floorPass) {
      check = withOutlook(check, e, s, errors, errNull, floorLlr, wide, wider);
    }
    return new Result(next, check, fail, ratioPass || floorPass);
  }

  /**
   * Adds to a waiting check when a PASS is expected ({@code minutesToPass}, the sooner of the
   * two routes, at the step's observed traffic) and what is ruled out already
   * ({@code ruledOutAbove}: the largest 5xx ratio not excluded at 95%).
   */
  private static Check withOutlook(Check c, SequentialEvidence e, JudgeSettings s,
      RatioState t, double errNull, double floorLlr, RatioState wide, RatioState wider) {
    StepTraffic st = e.step();
    ErrorTally tot = e.totals();
    // With no stable 5xx yet, half an error is the best guess of the rate (it is never 0).
    double stableRate = tot.stableRequests() > 0
        ? Math.max(tot.stableErrors(), 0.5) / tot.stableRequests() : 0;
    double ratio = Outlook.minutesToPass(s.alpha(), RatioState.llr(t.passLlr(), 1),
        st.canaryPerBucket(), st.stablePerBucket(), stableRate, errNull);
    double floor = Outlook.minutesToFloorPass(s.alpha(), floorLlr, st.canaryPerBucket(),
        stableRate);
    // The same at this traffic for a healthy canary from the step's start: a property of the
    // traffic, not of the data, so a regression cannot make its own step look untestable.
    DoubleUnaryOperator healthy = passNull -> Outlook.minutesToPass(s.alpha(), 0,
        st.canaryPerBucket(), st.stablePerBucket(), stableRate, passNull);
    double needed = Math.min(healthy.applyAsDouble(errNull), Outlook.minutesToFloorPass(
        s.alpha(), 0, st.canaryPerBucket(), stableRate));
    Map<String, Double> f = new HashMap<>(c.figures());
    f.put("minutesToPass", Math.min(ratio, floor));
    f.put("minutesNeeded", needed);
    f.put("ruledOutAbove", Outlook.ratioUpperBound(t.canaryEvents(), t.stableEvents(),
        t.canaryN(), t.stableN()));
    // The wide tests' outlook likewise, so the last step can tell which one the traffic allows.
    f.put("wideRatio", wideNull(errNull));
    f.put("widePassed", wide.passDone() ? 1.0 : 0.0);
    f.put("wideNeeded", healthy.applyAsDouble(wideNull(errNull)));
    f.put("widerRatio", widerNull(errNull));
    f.put("widerPassed", wider.passDone() ? 1.0 : 0.0);
    f.put("widerNeeded", healthy.applyAsDouble(widerNull(errNull)));
    double ruled = wide.passDone() ? wideNull(errNull)
        : wider.passDone() ? widerNull(errNull) : Double.NaN;
    String text = c.explanation() + (Double.isNaN(ruled) ? "" : "; a 5xx ratio of x"
        + Fmt.num(ruled) + " or more is ruled out (e-value reached " + Fmt.num(1 / s.alpha())
        + " in this step)");
    return new Check(c.name(), c.outcome(), text, f);
  }

  static double wideNull(double errNull) {
    return 1 + WIDE * (errNull - 1);
  }

  static double widerNull(double errNull) {
    return 1 + WIDER * (errNull - 1);
  }

  /** What the errors evidence rules out so far, as a sentence. */
  static String ruledOut(RatioState t) {
    double bound = Outlook.ratioUpperBound(t.canaryEvents(), t.stableEvents(), t.canaryN(),
        t.stableN());
    if (Double.isNaN(bound)) {
      double rate = Outlook.zeroEventRateBound(t.canaryN());
      return Double.isNaN(rate) ? "no canary requests yet: no 5xx regression ruled out"
          : "no 5xx on either revision yet: canary 5xx rate below " + Fmt.pct(rate)
              + " at 95% confidence (" + Fmt.num(t.canaryN()) + " canary requests)";
    }
    if (Double.isInfinite(bound)) {
      return "no 5xx regression ruled out yet (" + Fmt.num(t.canaryEvents()) + " canary vs "
          + Fmt.num(t.stableEvents()) + " stable 5xx)";
    }
    return "no 5xx regression above x" + Fmt.num(bound) + " at 95% confidence ("
        + Fmt.num(t.canaryEvents()) + "/" + Fmt.num(t.canaryN()) + " canary vs "
        + Fmt.num(t.stableEvents()) + "/" + Fmt.num(t.stableN()) + " stable 5xx)";
  }

  /** Starts this step's PASS evidence afresh. */
  static SequentialEvidence resetStep(SequentialEvidence e) {
    return e.withErrors(RatioTest.resetStep(e.errors()), ErrorFloor.EMPTY)
        .withWide(RatioTest.resetStep(e.errorsWide()), RatioTest.resetStep(e.errorsWider()));
  }

  private static Check check(RatioState t, JudgeSettings s, double errNull, double logFail,
      double failThreshold, boolean fail, boolean ratioPass, boolean floorPass,
      double floorLlr) {
    double ce = t.canaryEvents();
    double cn = t.canaryN();
    double se = t.stableEvents();
    double sn = t.stableN();
    double eFail = Fmt.safeExp(logFail);
    double ePass = Fmt.safeExp(RatioTest.logPassE(t));
    double eFloor = Fmt.safeExp(floorLlr);
    Map<String, Double> f = new HashMap<>();
    f.put("canaryErrors", ce);
    f.put("canaryRequests", cn);
    f.put("stableErrors", se);
    f.put("stableRequests", sn);
    f.put("canaryRate", cn > 0 ? ce / cn : Double.NaN);
    f.put("stableRate", sn > 0 ? se / sn : Double.NaN);
    f.put("eFail", eFail);
    f.put("failThreshold", failThreshold);
    f.put("ePass", ePass);
    f.put("passThreshold", 1 / s.alpha());
    f.put("passRatio", errNull);
    f.put("eFloor", eFloor);
    String counts = "canary 5xx " + Fmt.num(ce) + "/" + Fmt.num(cn) + " ("
        + Fmt.pct(cn > 0 ? ce / cn : Double.NaN) + ") vs stable " + Fmt.num(se) + "/"
        + Fmt.num(sn) + " (" + Fmt.pct(sn > 0 ? se / sn : Double.NaN) + ")";
    String fails = "e-value for 'canary has more 5xx' " + Fmt.num(eFail) + " (roll back at "
        + Fmt.num(failThreshold) + ")";
    String passes = "e-value for 'canary 5xx >= x" + Fmt.num(errNull) + " stable' "
        + Fmt.num(ePass) + " (pass at " + Fmt.num(1 / s.alpha()) + ")";
    if (fail) {
      return new Check("errors", Outcome.FAIL, counts + ": " + fails + " crossed", f);
    }
    if (ratioPass || floorPass) {
      String how = ratioPass ? passes + " reached in this step"
          : "canary 5xx rate shown below " + Fmt.pct(RATE_FLOOR) + " (e-value "
              + Fmt.num(eFloor) + ")";
      return new Check("errors", Outcome.PASS, counts + ": " + fails + "; " + how, f);
    }
    return new Check("errors", Outcome.INCONCLUSIVE, counts + ": " + fails + "; " + passes, f);
  }
}
