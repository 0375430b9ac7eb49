package dev.canaryrun.cli.ops;

import dev.canaryrun.backtest.Backtest;
import dev.canaryrun.backtest.History;
import dev.canaryrun.gcp.monitoring.CloudMonitoringHistory;
import dev.canaryrun.policy.InvalidPolicyException;
import dev.canaryrun.policy.PolicyJson;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.port.MetricsReader.RevisionKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code canaryrun backtest SERVICE [--region R] [--since 14d] [--policy FILE] [-o json]}: what
 * the judge would have decided on every past traffic move of the service, from Cloud
 * Monitoring's history (core's {@code backtest} package; the reading is gcp's
 * {@link CloudMonitoringHistory}). Reads Monitoring only: no Firestore, no Cloud Run.
 */
@Command(name = "backtest", mixinStandardHelpOptions = true,
    description = {"Replay the judge over a service's Cloud Monitoring history: every past "
        + "moment a new revision started receiving traffic while another served, judged "
        + "minute by minute as the controller would have, walking the policy's steps.",
        "Prints per transition what the judge would have decided and when, with the evidence."})
final class BacktestCommand extends OperatorCommand {
  /** The newest minutes are not final in Monitoring yet (60 s sampling + 180 s visibility). */
  static final Duration NOT_FINAL = Duration.ofMinutes(4);
  static final Duration SHORTEST = Duration.ofHours(1);

  @Parameters(index = "0", paramLabel = "SERVICE", description = "the Cloud Run service")
  String service;

  @Option(names = "--since", defaultValue = "14d", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "how far back to look (default ${DEFAULT-VALUE}; at most 42d: Cloud "
          + "Monitoring keeps six weeks)")
  Duration since;

  @Option(names = "--policy", paramLabel = "FILE",
      description = "a policy JSON (as the controller takes it, docs/CONTRACT.md) to try on "
          + "the same history; default: the default policy")
  Path policyFile;

  @Override
  int run(OperatorBackend b) {
    if (since.compareTo(CloudMonitoringHistory.RETENTION) > 0) {
      throw new UsageProblem("--since " + Human.duration(since) + " is longer than Cloud "
          + "Monitoring keeps Cloud Run metrics (42 days, 6 weeks): use at most 42d");
    }
    if (since.compareTo(SHORTEST) < 0) {
      throw new UsageProblem("--since " + Human.duration(since) + " is too short to hold a "
          + "transition and its comparison: use at least 1h");
    }
    RolloutPolicy policy = policy();
    Duration alignment = policy.metrics().alignmentPeriod();
    Instant now = ctx().clock().instant();
    Instant end = alignDown(now.minus(NOT_FINAL), alignment);
    Instant start = alignDown(end.minus(since), alignment);
    Optional<String> region = Optional.ofNullable(common.region);
    CloudMonitoringHistory monitoring = b.monitoringHistory();
    Map<RevisionKey, Long> revisions = monitoring.revisions(service, region, start, end);
    if (revisions.isEmpty()) {
      throw noData(monitoring, region, start, end, now);
    }
    ctx().err().println("canaryrun: reading " + Human.duration(Duration.between(start, end))
        + " of Cloud Monitoring history for " + revisions.size() + " revisions of " + service
        + region.map(r -> " in " + r).orElse(" (every region)") + " ...");
    ctx().err().flush();
    History history = monitoring.read(revisions.keySet(), start, end, alignment);
    Backtest.Report report = Backtest.run(history, policy);
    String where = b.config().projectId() + region.map(r -> ", " + r).orElse(", every region");
    print(common.json()
        ? RolloutJson.write(BacktestOutput.json(service, where, policyFile, report))
        : String.join("\n", BacktestOutput.text(service, where, policyFile, report)));
    return CanaryrunCli.OK;
  }

  private RolloutPolicy policy() {
    if (policyFile == null) {
      return RolloutPolicy.defaults();
    }
    String json;
    try {
      json = Files.readString(policyFile);
    } catch (NoSuchFileException e) {
      throw new UsageProblem("--policy " + policyFile + ": no such file");
    } catch (IOException e) {
      throw new UsageProblem("--policy " + policyFile + ": cannot read it: " + e.getMessage());
    }
    if (json.isBlank()) {
      throw new UsageProblem("--policy " + policyFile + ": the file is empty (an empty policy "
          + "would silently be the default one)");
    }
    try {
      return PolicyJson.parse(json);
    } catch (InvalidPolicyException e) {
      throw new UsageProblem("--policy " + policyFile + ": " + e.getMessage());
    }
  }

  /** Unknown service, or a known one without traffic in the window: say which, and what to try. */
  private OperationFailed noData(CloudMonitoringHistory m, Optional<String> region,
      Instant start, Instant end, Instant now) {
    String in = region.map(r -> " in " + r).orElse("");
    Instant oldest = alignDown(now.minus(CloudMonitoringHistory.RETENTION).plus(NOT_FINAL),
        Duration.ofMinutes(1));
    if (oldest.isBefore(start) && !m.revisions(service, region, oldest, start).isEmpty()) {
      return new OperationFailed("no data: " + service + " served no requests" + in + " from "
          + Human.time(start) + " to " + Human.time(end) + " (--since " + Human.duration(since)
          + "), but did before: try a longer --since (at most 42d)");
    }
    List<String> known = m.services(region, oldest, end);
    return new OperationFailed("unknown service '" + service + "'" + in + ": Cloud "
        + "Monitoring has no Cloud Run request_count for it over the last 42 days (services "
        + "with requests" + in + ": " + (known.isEmpty() ? "none" : String.join(", ", known))
        + ")");
  }

  static Instant alignDown(Instant t, Duration period) {
    long ms = t.toEpochMilli();
    return Instant.ofEpochMilli(ms - Math.floorMod(ms, period.toMillis()));
  }
}
