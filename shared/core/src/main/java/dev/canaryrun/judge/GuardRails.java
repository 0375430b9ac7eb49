package dev.canaryrun.judge;

import dev.canaryrun.policy.JudgeSettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The absolute limits that roll back without statistics: the canary's 5xx rate above the
 * guard-rail ceiling over a window of at least guardrailMinRequests canary requests (unless
 * the stable revision is as bad over the same window: shared trouble), and canary CPU or
 * memory utilisation above the policy's limit in a bucket where stable is not. Its findings
 * belong to the tick; only the pending 5xx window is carried over.
 */
final class GuardRails {
  private final List<String> failures = new ArrayList<>();
  private final List<Check> checks = new ArrayList<>();

  List<String> failures() {
    return failures;
  }

  List<Check> checks() {
    return checks;
  }

  /** Adds one bucket to the pending window; judges it once it holds enough requests. */
  SequentialEvidence errors(SequentialEvidence ev, JudgeSettings s, RequestCounts c,
      RequestCounts st) {
    ErrorTally w = ev.guard().plus(c, st);
    double n = w.canaryRequests();
    if (n < s.guardrailMinRequests()) {
      return ev.withGuard(w); // keep collecting: too few requests for a rate to mean anything
    }
    double e = w.canaryErrors();
    double sn = w.stableRequests();
    double se = w.stableErrors();
    double rate = e / n;
    double stableRate = sn > 0 ? se / sn : Double.NaN;
    if (rate > s.guardrailErrorRate()) {
      boolean shared = stableRate > s.guardrailErrorRate();
      Map<String, Double> f = Map.of("canaryErrors", e, "canaryRequests", n, "canaryRate", rate,
          "stableErrors", se, "stableRequests", sn, "stableRate", stableRate,
          "ceiling", s.guardrailErrorRate());
      String text = "canary 5xx rate " + Fmt.pct(rate) + " (" + Fmt.num(e) + " of "
          + Fmt.num(n) + ") is above the ceiling " + Fmt.pct(s.guardrailErrorRate())
          + "; stable " + Fmt.pct(stableRate) + " (" + Fmt.num(se) + " of " + Fmt.num(sn) + ")";
      if (shared) {
        checks.add(new Check("guardrail-errors", Outcome.INCONCLUSIVE,
            text + ": both revisions are failing alike (shared trouble), not the canary's fault",
            f));
      } else {
        failures.add("guard rail: " + text);
        checks.add(new Check("guardrail-errors", Outcome.FAIL, text, f));
      }
    }
    return ev.withGuard(ErrorTally.EMPTY);
  }

  void utilisation(JudgeSettings s, BucketSelection.Pair p) {
    OptionalDouble cc = p.canary().cpuUtilisation();
    if (cc.isPresent()) {
      overLimit("cpu", "CPU", cc, p.stable().cpuUtilisation(), s.maxCpuUtilisation(),
          p.start());
    }
    OptionalDouble cm = p.canary().memoryUtilisation();
    if (cm.isPresent()) {
      overLimit("memory", "memory", cm, p.stable().memoryUtilisation(),
          s.maxMemoryUtilisation(), p.start());
    }
  }

  private void overLimit(String name, String label, OptionalDouble canary,
      OptionalDouble stable, double limit, Instant at) {
    double c = canary.getAsDouble();
    if (!(c > limit)) {
      return;
    }
    double st = stable.orElse(Double.NaN);
    Map<String, Double> f = Map.of("canary", c, "stable", st, "limit", limit);
    String text = "canary " + label + " utilisation " + Fmt.pct(c) + " in the bucket at " + at
        + " is above the limit " + Fmt.pct(limit) + " (stable " + Fmt.pct(st) + ")";
    if (st > limit) {
      checks.add(new Check(name, Outcome.INCONCLUSIVE,
          text + ": the stable revision is over it too (shared load)", f));
    } else {
      failures.add(text);
      checks.add(new Check(name, Outcome.FAIL, text, f));
    }
  }
}
