package dev.canaryrun.cli.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code canaryrun status [SERVICE] [--watch]}. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Every watched service (or one): its rollout in flight, else its latest: "
        + "state, step, the candidate's share, the revisions, time in the state, last verdict.")
final class StatusCommand extends OperatorCommand {
  static final int WIDTH = 160;

  @Parameters(paramLabel = "SERVICE", arity = "0..1", description = "only this service")
  String service;

  @Option(names = {"-w", "--watch"}, description = "redraw every --interval until Ctrl-C "
      + "(or --count redraws)")
  boolean watch;

  @Option(names = "--interval", defaultValue = "2s", converter = DurationConverter.class,
      description = "between redraws with --watch (default ${DEFAULT-VALUE})")
  Duration interval;

  @Option(names = "--count", defaultValue = "0",
      description = "with --watch, stop after N redraws (0: until Ctrl-C)")
  int count;

  @Override
  int run(OperatorBackend b) {
    if (count != 0 && !watch) {
      throw new UsageProblem("--count needs --watch");
    }
    if (count < 0 || interval.compareTo(Duration.ofMillis(100)) < 0) {
      throw new UsageProblem("--count must be >= 0 and --interval at least 100ms");
    }
    if (service != null) {
      requireService(b, service);
    }
    for (int n = 1; ; n++) {
      draw(b, watch && n > 1);
      if (!watch || (count > 0 && n >= count)) {
        return CanaryrunCli.OK;
      }
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return CanaryrunCli.OK;
      }
    }
  }

  private void draw(OperatorBackend b, boolean redraw) {
    List<String> services = service != null ? List.of(service) : b.history().services();
    List<StatusTable.Row> rows = new ArrayList<>();
    boolean oneRegion = b.config().region() != null && !b.config().region().isBlank();
    for (String s : services) {
      var pointers = oneRegion ? List.<dev.canaryrun.port.RolloutStore.ServicePointer>of()
          : b.store().pointers(s);
      if (pointers.size() <= 1) {
        rows.add(new StatusTable.Row(s, current(b, s)));
        continue;
      }
      // A service in several regions (a release across regions): one line per region.
      pointers.stream().filter(p -> p.region() != null).sorted(java.util.Comparator.comparing(
              dev.canaryrun.port.RolloutStore.ServicePointer::region,
              java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())))
          .forEach(p -> {
            String id = p.activeRolloutId() != null ? p.activeRolloutId() : p.lastRolloutId();
            rows.add(new StatusTable.Row(s, id == null ? java.util.Optional.empty()
                : b.store().find(id)));
          });
    }
    Instant now = ctx().clock().instant();
    if (common.json()) {
      // One document per draw; with --watch one per line, so a script can read a stream.
      List<Object> docs = rows.stream().map(r -> (Object) StatusTable.json(r, now)).toList();
      print(watch ? RolloutJson.compact(docs) : RolloutJson.write(docs));
      return;
    }
    if (redraw) {
      // In a terminal, redraw in place (cursor home, clear); in a pipe, a separator line.
      print(ctx().interactive() ? "\033[H\033[2J" : "--");
    }
    if (watch) {
      print("canaryrun status  " + Human.time(now) + "  project " + b.config().projectId()
          + "  (every " + Human.duration(interval) + ", Ctrl-C to stop)");
    }
    if (rows.isEmpty()) {
      print("no watched services in project " + b.config().projectId());
      return;
    }
    StatusTable.lines(rows, now, WIDTH).forEach(this::print);
  }
}
