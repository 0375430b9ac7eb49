package dev.canaryrun.cli.demo;

import dev.canaryrun.rollout.AuditEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The end of the demo: one line per release (expected vs actual outcome and the latency that
 * matters for it), then each rollout's audit trail with times relative to its build
 * notification. Rendered as lines so the same text goes to the terminal and to a file.
 */
final class Summary {
  private Summary() {}

  static List<String> render(DemoReport report, int width) {
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add("== Summary: " + report.releases().size() + " releases in "
        + seconds(report.wall()) + " (" + report.backend() + ", load "
        + fmt(report.rate()) + " req/s)");
    lines.add(String.format(Locale.ROOT, "  %-4s %-21s %-21s %-4s %s", "", "expected", "outcome",
        "", "timing"));
    for (ReleaseResult r : report.releases()) {
      String outcome = r.outcome().map(Enum::name)
          .orElse(r.finalState() == null ? "NO ROLLOUT" : r.finalState().name()
              + (r.timedOut() ? " (timed out)" : ""));
      lines.add(String.format(Locale.ROOT, "  %-4s %-21s %-21s %-4s %s", r.release().version(),
          r.release().expect(), outcome, r.asExpected() ? "ok" : "FAIL", timing(r)));
    }
    lines.addAll(RegionSummary.render(report.regions(), report.published()));
    for (ReleaseResult r : report.releases()) {
      lines.add("");
      lines.add("-- audit trail of " + (r.rolloutId() == null ? "(no rollout)" : r.rolloutId())
          + " (" + r.release().version() + ", candidate " + r.candidateRevision() + ")");
      trail(lines, r.audit(), r.publishedAt(), width);
    }
    // Across regions: the later waves' trails too (the first region's is the release's above).
    for (RegionRow row : report.regions()) {
      if (row.wave() > 1 && row.rolloutId() != null) {
        lines.add("");
        lines.add("-- audit trail of " + row.rolloutId() + " (" + row.version() + ", wave "
            + row.wave() + "; times since the release's build notification)");
        Instant from = report.releases().stream()
            .filter(r -> r.release().version().equals(row.version()))
            .map(ReleaseResult::publishedAt).findFirst().orElse(row.createdAt());
        trail(lines, row.audit(), from, width);
      }
    }
    lines.add("");
    lines.add(report.ok()
        ? "canaryrun demo: all " + report.releases().size() + " releases ended as expected"
        : "canaryrun demo: FAILED: " + report.failure());
    return lines;
  }

  private static void trail(List<String> lines, List<AuditEntry> audit, Instant from,
      int width) {
    for (AuditEntry a : audit) {
      String head = String.format(Locale.ROOT, "  %7s %-22s %-9s %s -> %s  %d%% -> %d%%  ",
          offset(from, a.at()), a.eventType(), a.actor(), a.from(), a.to(),
          a.trafficBefore(), a.trafficAfter());
      lines.add(fit(head + a.message(), width));
    }
  }

  /** The untruncated summary to {@code dir/summary.txt}; a failure is said, not thrown. */
  static void write(java.nio.file.Path dir, List<String> lines,
      java.util.function.Consumer<String> say) {
    try {
      java.nio.file.Files.write(dir.resolve("summary.txt"), lines,
          java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      say.accept("  (could not write " + dir.resolve("summary.txt") + ": " + e + ")");
    }
  }

  private static String timing(ReleaseResult r) {
    List<String> parts = new ArrayList<>();
    r.timeToPromote().ifPresent(d -> parts.add("promoted " + seconds(d) + " after the build"));
    r.timeToDetect().ifPresent(d -> parts.add("time to detect " + seconds(d)
        + " (canary start -> rollback decision)"));
    r.alertToDecision().ifPresent(d -> parts.add("alert -> rollback decision " + millis(d)));
    r.alertToTrafficApplied().ifPresent(d -> parts.add("alert -> 0% applied at Cloud Run "
        + millis(d)));
    return String.join("; ", parts);
  }

  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  static String millis(Duration d) {
    return d.toMillis() + " ms";
  }

  private static String offset(Instant from, Instant at) {
    return String.format(Locale.ROOT, "+%.2fs", Duration.between(from, at).toMillis() / 1000.0);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  private static String fit(String s, int width) {
    return s.length() <= width ? s : s.substring(0, Math.max(20, width - 1)) + "…";
  }
}
