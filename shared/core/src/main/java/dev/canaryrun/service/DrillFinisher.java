package dev.canaryrun.service;

import dev.canaryrun.port.DrillProbe;
import dev.canaryrun.port.DrillReports;
import dev.canaryrun.port.EventPublisher;
import dev.canaryrun.report.DrillReport;
import dev.canaryrun.rollout.Effect.Notify;
import dev.canaryrun.rollout.NotificationType;
import dev.canaryrun.rollout.Rollout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a drill's report when the drill has ended (README "Rollback drills"): the stored
 * rollout and its trail, plus one read of what Cloud Run serves the drill revision now, into
 * {@code drills/{rolloutId}}, the log, and a DRILL_REPORTED lifecycle event.
 *
 * <p>Why after the loop and not in the transition's transaction (as the rollback report is):
 * the report needs Cloud Run's state after 0% was applied, which no decision can see. It is
 * written by whichever loop sees the drill ended first (the alert function's, or the build's
 * that superseded it), created only if absent, so the event is published once. A write that
 * fails propagates: Pub/Sub redelivers, the event is a duplicate, and this runs again.
 */
final class DrillFinisher {
  private final DrillReports reports;
  private final DrillProbe probe;
  private final dev.canaryrun.port.RolloutStore store;
  private final EventPublisher publisher;

  DrillFinisher(DrillReports reports, DrillProbe probe, dev.canaryrun.port.RolloutStore store,
      EventPublisher publisher) {
    this.reports = reports;
    this.probe = probe;
    this.store = store;
    this.publisher = publisher;
  }

  void finish(Rollout last) {
    if (last == null || !last.isDrill() || !last.ended()
        || reports.find(last.id()).isPresent()) {
      return;
    }
    DrillReport.Served served;
    try {
      served = probe.served(last.service(), last.region(), last.candidateRevision());
    } catch (RuntimeException e) {
      DecisionLog.warn("rollback drill: Cloud Run could not be read for the report: "
          + e.getMessage(), "rolloutId", last.id(), "service", last.service());
      served = null;
    }
    DrillReport report = DrillReport.of(last, store.audit(last.id()), served);
    if (!reports.save(report)) {
      return; // another invocation wrote it first
    }
    DecisionLog.info(report.summary() + "\n" + String.join("\n", report.lines()),
        "rolloutId", last.id(), "service", last.service(), "drillOutcome",
        report.outcome().name(), "alertToDecisionMillis", report.alertToDecisionMillis(),
        "alertToZeroMillis", report.alertToZeroMillis());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("state", last.state().name());
    details.put("drill", true);
    details.put("drillReport", report.fields());
    try {
      publisher.notify(last, new Notify(NotificationType.DRILL_REPORTED, report.summary(),
          details));
    } catch (RuntimeException e) {
      DecisionLog.warn("the DRILL_REPORTED event could not be published (the report is stored):"
          + " " + e.getMessage(), "rolloutId", last.id(), "service", last.service());
    }
  }
}
