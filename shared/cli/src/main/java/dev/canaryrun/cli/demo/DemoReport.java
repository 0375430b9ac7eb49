package dev.canaryrun.cli.demo;

import java.time.Duration;
import java.util.List;

/**
 * What a demo run produced.
 *
 * @param failure why the run failed (a release off script, the deadline); null when it did not
 */
public record DemoReport(List<ReleaseResult> releases, String backend, double rate, Duration wall,
    String failure) {
  public DemoReport {
    releases = List.copyOf(releases);
  }

  public boolean ok() {
    return failure == null;
  }
}
