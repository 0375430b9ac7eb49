package dev.canaryrun.service;

import dev.canaryrun.port.DrillIncidents;
import dev.canaryrun.port.DrillProbe;
import dev.canaryrun.port.DrillReports;
import dev.canaryrun.report.DrillReport;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The ports rollback drills need beyond a release's (README "Rollback drills"). */
public record Drills(DrillProbe probe, DrillIncidents incidents, DrillReports reports) {
  public Drills {
    Objects.requireNonNull(probe, "probe");
    Objects.requireNonNull(incidents, "incidents");
    Objects.requireNonNull(reports, "reports");
  }

  /** No drills: a drill command is refused, saying so. */
  public static final Drills NONE = new Drills(DrillProbe.NONE, DrillIncidents.NONE,
      new DrillReports() {
        @Override
        public boolean save(DrillReport report) {
          return false;
        }

        @Override
        public Optional<DrillReport> find(String rolloutId) {
          return Optional.empty();
        }

        @Override
        public List<DrillReport> ofService(String service, int limit) {
          return List.of();
        }
      });
}
