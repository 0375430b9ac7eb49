package dev.canaryrun.report;

import dev.canaryrun.judge.Check;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.rollout.Rollout;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One judged tick's evidence, for the picture of a rollout over time (the dashboard's
 * e-value chart): each sequential test's e-values against its thresholds, at the step and
 * share the tick judged. The audit trail keeps only the ticks that changed something; these
 * points keep every verdict, so the chart shows the evidence growing towards the decision.
 *
 * <p>The store writes one with each save that brings a new verdict ({@link #between}), in
 * the same transaction, so a redelivered tick (refused as a duplicate) never writes it twice.
 *
 * @param at when the verdict was saved
 */
public record EvidencePoint(Instant at, int stepIndex, int candidatePercent, Outcome outcome,
    List<Test> tests) {

  /**
   * One test's e-values: {@code eFail} rolls back at {@code failThreshold}; {@code ePass}
   * (NaN for a test without a pass side) passes at {@code passThreshold}.
   */
  public record Test(String name, Outcome outcome, double eFail, double failThreshold,
      double ePass, double passThreshold) {
    public Test {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(outcome, "outcome");
    }
  }

  public EvidencePoint {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(outcome, "outcome");
    tests = List.copyOf(tests);
  }

  /**
   * The point a save adds when the stored verdict was {@code previous} (null: none): present
   * when {@code next} carries a verdict that differs from it. The store passes the stored
   * verdict only, so a save never decodes the whole stored rollout for it.
   */
  public static Optional<EvidencePoint> between(Verdict previous, Rollout next, Instant at) {
    Verdict v = next.lastVerdict();
    if (v == null || v.equals(previous)) {
      return Optional.empty();
    }
    List<Test> tests = new ArrayList<>();
    for (Check c : v.checks()) {
      Double eFail = c.figures().get("eFail");
      Double failAt = c.figures().get("failThreshold");
      if (eFail == null || failAt == null) {
        continue; // guard rails and the exposure check are rules, not e-values
      }
      tests.add(new Test(c.name(), c.outcome(), eFail, failAt,
          c.figures().getOrDefault("ePass", Double.NaN),
          c.figures().getOrDefault("passThreshold", Double.NaN)));
    }
    return Optional.of(new EvidencePoint(at, next.stepIndex(),
        next.traffic().candidatePercent(), v.outcome(), tests));
  }
}
