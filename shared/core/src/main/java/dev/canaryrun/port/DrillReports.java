package dev.canaryrun.port;

import dev.canaryrun.report.DrillReport;
import java.util.List;
import java.util.Optional;

/** Where drill reports are kept: {@code drills/{rolloutId}} (docs/CONTRACT.md). */
public interface DrillReports {
  /**
   * Writes the report of one drill unless one is stored already; true when this call wrote
   * it (so that exactly one writer publishes its lifecycle event).
   */
  boolean save(DrillReport report);

  Optional<DrillReport> find(String rolloutId);

  /** The service's drill reports, newest first. */
  List<DrillReport> ofService(String service, int limit);
}
