package dev.canaryrun.cli.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.monitoring.v3.MetricServiceClient;
import dev.canaryrun.backtest.Backtest;
import dev.canaryrun.backtest.History;
import dev.canaryrun.backtest.ReplayResult;
import dev.canaryrun.backtest.Transition;
import dev.canaryrun.bench.Simulator;
import dev.canaryrun.gcp.monitoring.CloudMonitoringHistory;
import dev.canaryrun.gcp.monitoring.MonitoringClients;
import dev.canaryrun.judge.MetricBucket;
import dev.canaryrun.judge.SequentialJudge;
import dev.canaryrun.local.LocalControlPlane;
import dev.canaryrun.policy.PolicyJson;
import dev.canaryrun.policy.RolloutPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The backtest's verdicts are the bench's: every transition of both recorded histories, read
 * from the local Monitoring through the real client, is replayed by the backtest and, on the
 * same per-minute counts, by the bench's own judge path ({@link Simulator#replay}: the loop
 * that drives the production judge and state machine in {@code ./canaryrun bench}); both must
 * end the same way at the same minute.
 */
class BacktestMatchesBenchTest {
  static final Duration MINUTE = Duration.ofMinutes(1);

  @ParameterizedTest(name = "{0}, {1} policy")
  @CsvSource({"regression.csv.gz, default, 2026-11-16T00:00:00Z, 4",
      "regression.csv.gz, fast, 2026-11-16T00:00:00Z, 4",
      "healthy.csv.gz, default, 2026-11-16T00:00:00Z, 3"})
  void sameEndAtTheSameMinute(String file, String policyName, String from, int days) {
    RolloutPolicy policy = policyName.equals("default") ? RolloutPolicy.defaults()
        : PolicyJson.parse("{\"steps\": [{\"percent\": 10, \"minDwellSeconds\": 180}, "
            + "{\"percent\": 50, \"minDwellSeconds\": 300}], \"onInconclusive\": \"pause\"}");
    Instant start = Instant.parse(from);
    Instant end = start.plus(Duration.ofDays(days));
    History h;
    try (LocalControlPlane plane = LocalControlPlane.start(0);
        MetricServiceClient client = MonitoringClients.create(Optional.of(plane.endpoint()))) {
      plane.monitoring().load(BacktestCommandTest.history(file));
      // Small windows and pages, so the stitching and the paging are part of what is compared.
      CloudMonitoringHistory m = new CloudMonitoringHistory(client, BacktestCommandTest.PROJECT,
          new CloudMonitoringHistory.Options(Duration.ofHours(7), 2));
      h = m.read(m.revisions("checkout", Optional.empty(), start, end).keySet(), start, end,
          MINUTE);
    }

    Backtest.Report report = Backtest.run(h, policy);

    assertTrue(report.results().size() >= 3, report::toString);
    int decided = 0;
    int rollbacks = 0;
    for (ReplayResult x : report.results()) {
      Transition t = x.transition();
      int n = (int) Duration.between(t.start(), t.end()).toMinutes();
      List<MetricBucket> canary = new ArrayList<>();
      List<MetricBucket> stable = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Instant s = t.start().plus(MINUTE.multipliedBy(i));
        canary.add(h.bucket(t.candidate(), s));
        stable.add(h.bucket(t.stable(), s));
      }
      int delay = (int) policy.metrics().ingestDelay().toMinutes();
      Simulator.Run bench = new Simulator(policy).replay(t.start(), canary, stable, delay,
          new SequentialJudge());
      String what = t.location() + " " + t.candidate().revision() + ": backtest " + x.call()
          + " at " + x.minute() + " (" + x.message() + "), bench " + bench;
      Simulator.End expected = switch (x.call()) {
        case ROLLBACK -> Simulator.End.ROLLBACK;
        case PROMOTE -> Simulator.End.PROMOTE;
        case PAUSE, UNDECIDED -> Simulator.End.UNDECIDED;
      };
      assertEquals(expected, bench.end(), what);
      if (x.call() != ReplayResult.Call.UNDECIDED) {
        assertEquals(bench.minute(), x.minute(), what);
        decided++;
        rollbacks += x.call() == ReplayResult.Call.ROLLBACK ? 1 : 0;
      }
    }
    assertTrue(decided >= 3, "too few decided transitions to compare: " + report.results());
    // The regression is among the compared decisions: a FAIL, not only promotions.
    assertEquals(file.startsWith("regression") ? 1 : 0, rollbacks, report::toString);
  }
}
