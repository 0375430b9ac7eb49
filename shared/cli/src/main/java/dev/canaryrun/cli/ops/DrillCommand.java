package dev.canaryrun.cli.ops;

import dev.canaryrun.gcp.decode.EventSource;
import dev.canaryrun.report.DrillReport;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.CommandType;
import dev.canaryrun.rollout.RolloutIds;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code canaryrun drill SERVICE}: publishes the {@code drill} command (the scheduler's drill
 * takes the same path in the controller), then waits for the drill's report in
 * {@code drills/{id}} (the id follows from the message id) or for its refusal, audited on the
 * rollout in flight, and prints it. {@code --report} prints the service's latest report.
 * Exit 0 when the drill PASSED, 1 when it failed, was superseded or refused.
 */
@Command(name = "drill", mixinStandardHelpOptions = true,
    description = "Rollback drill: roll the stable image out as a drill revision, take it to the"
        + " first step, roll it back through the real alert path, and report each check and"
        + " the time alert -> rollback decided -> 0% served. --report shows the latest.")
final class DrillCommand extends OperatorCommand {
  @Parameters(paramLabel = "SERVICE")
  String service;

  @Option(names = "--report", description = "print the service's latest drill report")
  boolean report;

  @Option(names = "--reason", defaultValue = "rollback drill",
      description = "written to the audit trail (default: ${DEFAULT-VALUE})")
  String reason;

  @Option(names = "--wait", defaultValue = "180s", converter = DurationConverter.class,
      description = "how long to wait for the report (default: 180s; a drill whose incident"
          + " never arrives ends itself after 2 minutes)")
  Duration waitFor;

  @Option(names = "--no-wait", description = "publish the drill command and return")
  boolean noWait;

  @Override
  int run(OperatorBackend b) {
    OperatorCommand.requireService(b, service);
    if (report) {
      List<DrillReport> latest = b.drillReports().ofService(service, 1);
      if (latest.isEmpty()) {
        throw new OperationFailed("service " + service + " has no drill report yet (run"
            + " `canaryrun drill " + service + "`)");
      }
      show(latest.get(0));
      return latest.get(0).outcome() == DrillReport.Outcome.PASSED ? CanaryrunCli.OK
          : CanaryrunCli.FAILED;
    }
    String inFlight = OperatorCommand.pointer(b, service).map(p -> p.activeRolloutId())
        .orElse(null);
    String actor = Identity.of(b.config(), ctx().env());
    String messageId = b.publish(new CommandMessage(CommandType.DRILL, service, null, reason,
        actor, null, null, Identity.idToken(b.config()).orElse(null), common.region));
    String cause = EventSource.COMMAND.eventId(messageId);
    String drillId = RolloutIds.forDrill(service, cause);
    if (noWait) {
      print("published drill of " + service + " as " + actor + " (message " + messageId
          + "); its report will be drills/" + drillId);
      return CanaryrunCli.OK;
    }
    Instant deadline = ctx().clock().instant().plus(waitFor);
    while (ctx().clock().instant().isBefore(deadline)) {
      Optional<DrillReport> done = b.drillReports().find(drillId);
      if (done.isPresent() && done.get().outcome() == DrillReport.Outcome.REFUSED) {
        throw new OperationFailed(done.get().summary());
      }
      if (done.isPresent()) {
        show(done.get());
        return done.get().outcome() == DrillReport.Outcome.PASSED ? CanaryrunCli.OK
            : CanaryrunCli.FAILED;
      }
      if (inFlight != null) {
        Optional<AuditEntry> refused = b.store().audit(inFlight).stream()
            .filter(a -> a.cause().equals(cause)).findFirst();
        if (refused.isPresent()) {
          throw new OperationFailed(refused.get().message());
        }
      }
      sleep();
    }
    String state = b.store().find(drillId).map(r -> "; drill " + drillId + " is " + r.state()
        + " (" + r.reason() + ")").orElse("; no drill rollout " + drillId + " exists: is"
        + " OnCommand running? Check its logs");
    throw new OperationFailed("no drill report within " + Human.duration(waitFor) + state);
  }

  private void show(DrillReport r) {
    if (common.json()) {
      print(RolloutJson.write(r.fields()));
    } else {
      r.lines().forEach(this::print);
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(CommandIssuer.POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OperationFailed("interrupted while waiting for the drill report");
    }
  }
}
