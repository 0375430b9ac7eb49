package dev.canaryrun.cli.ops;

import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutIds;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code canaryrun verdict SERVICE [--revision R] [--wait]}: the judge's answer on a candidate,
 * as an exit code a pipeline step can act on instead of a fixed sleep and a threshold.
 */
@Command(name = "verdict", mixinStandardHelpOptions = true,
    description = "Whether the judge passed or failed a service's candidate. With --wait, "
        + "blocks until it did: for a pipeline step that checks canary health (observe-only "
        + "mode: README \"Observe-only mode\").",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:PASS (observing: passed at the split your pipeline set; steering: "
        + "promoted)", "1:FAIL (failed, rolled back or superseded), or the operation failed",
        "2:wrong command line",
        "3:not decided: no verdict yet (without --wait), --timeout passed, or the observation "
            + "ended undecided"})
final class VerdictCommand extends OperatorCommand {
  static final int UNDECIDED = 3;

  @Parameters(paramLabel = "SERVICE")
  String service;

  @Option(names = "--revision", description = "the candidate revision (what your pipeline "
      + "deployed); default: the service's rollout in flight, else its latest. Name it in a "
      + "pipeline: the latest rollout may still be the previous release's when Cloud Run's "
      + "audit log of this one has not arrived yet")
  String revision;

  @Option(names = "--wait", description = "block until PASS or FAIL (or --timeout)")
  boolean wait;

  @Option(names = "--timeout", defaultValue = "60m", converter = DurationConverter.class,
      description = "with --wait: give up after this long, exit 3 (default ${DEFAULT-VALUE})")
  Duration timeout;

  @Option(names = "--interval", defaultValue = "10s", converter = DurationConverter.class,
      description = "with --wait: between reads of Firestore (default ${DEFAULT-VALUE})")
  Duration interval;

  @Override
  int run(OperatorBackend b) {
    if (interval.compareTo(Duration.ofMillis(100)) < 0 || timeout.isNegative()) {
      throw new UsageProblem("--interval must be at least 100ms and --timeout >= 0");
    }
    requireService(b, service);
    String id = revision == null ? null : rolloutOf(revision);
    Instant deadline = ctx().clock().instant().plus(wait ? timeout : Duration.ZERO);
    while (true) {
      Optional<Rollout> r = id != null ? b.store().find(id) : current(b, service);
      CanaryHealth h = r.map(CanaryHealth::of).orElse(new CanaryHealth(
          CanaryHealth.Answer.PENDING, id != null ? "no rollout of " + revision + " yet"
              : "service " + service + " has no rollouts yet"));
      boolean done = !h.answer().waitable() || !ctx().clock().instant().isBefore(deadline);
      if (done) {
        report(r.orElse(null), h, wait && h.answer().waitable());
        return h.answer().exitCode;
      }
      try {
        Thread.sleep(Math.min(interval.toMillis(), Math.max(1,
            Duration.between(ctx().clock().instant(), deadline).toMillis())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        report(r.orElse(null), h, true);
        return UNDECIDED;
      }
    }
  }

  private String rolloutOf(String rev) {
    try {
      return RolloutIds.forRevision(service, rev);
    } catch (IllegalArgumentException e) {
      throw new UsageProblem(e.getMessage());
    }
  }

  private void report(Rollout r, CanaryHealth h, boolean timedOut) {
    String answer = timedOut ? "UNDECIDED" : h.answer().name();
    String text = h.text() + (timedOut ? " (gave up after " + timeout.toSeconds() + " s)" : "");
    if (common.json()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("service", service);
      m.put("answer", answer);
      m.put("rolloutId", r == null ? null : r.id());
      m.put("text", text);
      if (r != null) {
        m.put("rollout", RolloutJson.rollout(r));
      }
      print(RolloutJson.write(m));
    } else {
      print(answer + "  " + (r == null ? "" : r.id() + ": ") + text);
    }
  }
}
