package dev.canaryrun.cli.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The per-region table of a release across regions: each release in each region, its wave,
 * how it ended against what the scenario implies, and when (rollout created and ended, in
 * seconds since the release's build notification) so the wave order is visible.
 */
final class RegionSummary {
  private RegionSummary() {}

  static List<String> render(List<RegionRow> rows, List<Instant> published) {
    List<String> lines = new ArrayList<>();
    if (rows.isEmpty()) {
      return lines;
    }
    lines.add("");
    lines.add("== Per region (times since the release's build notification)");
    lines.add(String.format(Locale.ROOT, "  %-4s %-14s %-4s %-12s %-12s %-4s %-9s %s", "",
        "region", "wave", "expected", "outcome", "", "created", "ended"));
    String version = null;
    int release = -1;
    for (RegionRow r : rows) {
      if (!r.version().equals(version)) {
        version = r.version();
        release++;
      }
      Instant from = published.get(release);
      lines.add(String.format(Locale.ROOT, "  %-4s %-14s %-4s %-12s %-12s %-4s %-9s %s",
          r.version(), r.region(), r.wave(), r.expectedText(), r.outcome(),
          r.asExpected() ? "ok" : "FAIL", at(from, r.createdAt()), at(from, r.endedAt())));
    }
    return lines;
  }

  private static String at(Instant from, Instant at) {
    return at == null ? "-" : String.format(Locale.ROOT, "+%.1fs",
        Duration.between(from, at).toMillis() / 1000.0);
  }
}
