package dev.canaryrun.cli.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a demo run produced.
 *
 * @param failure why the run failed (a release off script, the deadline); null when it did not
 * @param regions each release in each region when the policy spans regions; empty otherwise
 * @param published each release's build notification, for the per-region times
 */
public record DemoReport(List<ReleaseResult> releases, String backend, double rate, Duration wall,
    String failure, List<RegionRow> regions, List<Instant> published) {
  public DemoReport {
    releases = List.copyOf(releases);
    regions = List.copyOf(regions);
    published = List.copyOf(published);
  }

  /** A run in one region. */
  public DemoReport(List<ReleaseResult> releases, String backend, double rate, Duration wall,
      String failure) {
    this(releases, backend, rate, wall, failure, List.of(), List.of());
  }

  public boolean ok() {
    return failure == null;
  }
}
