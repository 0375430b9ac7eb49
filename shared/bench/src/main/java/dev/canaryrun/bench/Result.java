package dev.canaryrun.bench;

import java.util.List;

/**
 * One row of the benchmark: a judge on a scenario. Times to detect are over the runs that
 * rolled back (NaN when none did), times to promote over the runs that promoted; excess bad
 * requests over all runs. Undecided runs ended paused for a person.
 */
public record Result(String judge, String scenario, int runs, String expect, double rollbackRate,
    double promoteRate, double undecidedRate, double ttdMedianMinutes, double ttdP95Minutes,
    double excessBadRequestsMedian, double ttpMedianMinutes) {

  static Result of(JudgeKind judge, Scenario sc, List<Simulator.Run> runs) {
    int n = runs.size();
    long rollbacks = runs.stream().filter(r -> r.end() == Simulator.End.ROLLBACK).count();
    long promotes = runs.stream().filter(r -> r.end() == Simulator.End.PROMOTE).count();
    double[] ttd = runs.stream().filter(r -> r.end() == Simulator.End.ROLLBACK)
        .mapToDouble(Simulator.Run::minute).sorted().toArray();
    double[] excess = runs.stream().mapToDouble(Simulator.Run::excessBad).sorted().toArray();
    double[] ttp = runs.stream().filter(r -> r.end() == Simulator.End.PROMOTE)
        .mapToDouble(Simulator.Run::minute).sorted().toArray();
    return new Result(judge.label(), sc.name(), n, sc.expect().label(), (double) rollbacks / n,
        (double) promotes / n, (double) (n - rollbacks - promotes) / n, quantile(ttd, 0.5),
        quantile(ttd, 0.95), quantile(excess, 0.5), quantile(ttp, 0.5));
  }

  /** Nearest-rank quantile of sorted values; NaN for none. */
  static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
