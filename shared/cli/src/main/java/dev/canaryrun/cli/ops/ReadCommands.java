package dev.canaryrun.cli.ops;

import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Rollout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code get}, {@code history}, {@code explain}: reads of Firestore, nothing published. */
final class ReadCommands {
  private ReadCommands() {}

  /** A rollout by id, or a service's current one. */
  static Rollout rolloutOrService(OperatorBackend b, String idOrService) {
    Optional<Rollout> byId = b.store().find(idOrService);
    if (byId.isPresent()) {
      return byId.get();
    }
    if (b.history().services().contains(idOrService)) {
      return OperatorCommand.current(b, idOrService).orElseThrow(() -> new OperationFailed(
          "service '" + idOrService + "' has no rollouts yet"));
    }
    throw new OperationFailed("no rollout or service named '" + idOrService + "' in project "
        + b.config().projectId());
  }

  @Command(name = "get", mixinStandardHelpOptions = true,
      description = "One rollout in full: steps with their times, traffic history, the verdict "
          + "with its numbers and what it still needs, holds and who set them.")
  static final class Get extends OperatorCommand {
    @Parameters(paramLabel = "ROLLOUT|SERVICE",
        description = "a rollout id, or a service (its rollout in flight, else its latest)")
    String target;

    @Override
    int run(OperatorBackend b) {
      Rollout r = rolloutOrService(b, target);
      List<AuditEntry> audit = b.store().audit(r.id());
      if (common.json()) {
        Map<String, Object> m = new LinkedHashMap<>(RolloutJson.rollout(r));
        m.put("audit", RolloutJson.audit(audit));
        print(RolloutJson.write(m));
      } else {
        RolloutDetail.lines(r, audit, ctx().clock().instant()).forEach(this::print);
      }
      return CanaryrunCli.OK;
    }
  }

  @Command(name = "history", mixinStandardHelpOptions = true,
      description = "Past rollouts of a service, newest first, and how each ended.")
  static final class History extends OperatorCommand {
    @Parameters(paramLabel = "SERVICE")
    String service;

    @Option(names = "--limit", defaultValue = "20", description = "at most N rollouts "
        + "(default ${DEFAULT-VALUE})")
    int limit;

    @Override
    int run(OperatorBackend b) {
      if (limit < 1) {
        throw new UsageProblem("--limit must be at least 1, got " + limit);
      }
      requireService(b, service);
      List<Rollout> rollouts = b.history().ofService(service, limit);
      if (common.json()) {
        print(RolloutJson.write(rollouts.stream().map(RolloutJson::rollout).toList()));
        return CanaryrunCli.OK;
      }
      if (rollouts.isEmpty()) {
        print(service + ": no rollouts yet");
        return CanaryrunCli.OK;
      }
      List<List<String>> rows = new java.util.ArrayList<>();
      rows.add(List.of("ROLLOUT", "CREATED", "OUTCOME", "DURATION", "REASON"));
      var now = ctx().clock().instant();
      for (Rollout r : rollouts) {
        String duration = r.state().terminal()
            ? Human.duration(java.time.Duration.between(r.createdAt(), r.stateSince()))
            : "running " + Human.duration(java.time.Duration.between(r.createdAt(), now));
        rows.add(List.of(r.id(), Human.time(r.createdAt()), r.state().name(), duration,
            Human.abbreviate(r.reason(), 100)));
      }
      Human.table(rows).forEach(this::print);
      return CanaryrunCli.OK;
    }
  }

  @Command(name = "explain", mixinStandardHelpOptions = true,
      description = "The audit trail as a readable story, each decision with its evidence; "
          + "a rollback ends with its report.")
  static final class Explain extends OperatorCommand {
    @Parameters(paramLabel = "ROLLOUT|SERVICE")
    String target;

    @Override
    int run(OperatorBackend b) {
      Rollout r = rolloutOrService(b, target);
      List<AuditEntry> audit = b.store().audit(r.id());
      if (common.json()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rollout", RolloutJson.rollout(r));
        m.put("audit", RolloutJson.audit(audit));
        var report = AuditStory.report(r, audit);
        m.put("rollbackReport", report.map(dev.canaryrun.report.RollbackReport::lines)
            .orElse(null));
        m.put("rollbackReportFields", report.map(dev.canaryrun.report.RollbackReport::fields)
            .orElse(null));
        m.put("rollbackReportStored",
            dev.canaryrun.report.RollbackReport.stored(r, audit).isPresent());
        print(RolloutJson.write(m));
      } else {
        AuditStory.lines(r, audit).forEach(this::print);
      }
      return CanaryrunCli.OK;
    }
  }
}
