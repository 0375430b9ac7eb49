package dev.canaryrun.functions;

import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetAllocationType;
import dev.canaryrun.fixtures.Fixtures;
import java.time.Instant;

/**
 * What people and pipelines do to a service on the local Cloud Run, outside canaryrun, and
 * Cloud Run's audit entry that reports it (made from the real one in fixtures/real).
 */
record ServiceMoves(EndToEndHarness h) {

  /** The real audit entry (fixtures/real), made about this service's change. */
  String auditEntry(String service, String revision, String principal, Instant requested) {
    return Fixtures.edit("real/run-audit-v1-replaceservice-success-cloud-run-slack-bot.json")
        .set("/protoPayload/authenticationInfo/principalEmail", principal)
        .set("/protoPayload/resourceName", "namespaces/" + h.project + "/services/" + service)
        .set("/protoPayload/requestMetadata/requestAttributes/time", requested.toString())
        .set("/protoPayload/response/status/latestCreatedRevisionName", revision)
        .set("/resource/labels/service_name", service)
        .set("/resource/labels/location", EndToEndHarness.REGION)
        .set("/resource/labels/project_id", h.project)
        .set("/timestamp", Instant.now().toString())
        .text();
  }

  String serviceName(String service) {
    return "projects/" + h.project + "/locations/" + EndToEndHarness.REGION + "/services/"
        + service;
  }

  /** The revision's share as Cloud Run's traffic statuses give it (LATEST resolved). */
  int percentOf(String service, String revision) {
    return percentOf(h.plane.cloudRun().getService(serviceName(service)).orElseThrow(),
        revision);
  }

  /** The revision's share of {@code s} as Cloud Run's traffic statuses give it. */
  static int percentOf(Service s, String revision) {
    return s.getTrafficStatusesList().stream()
        .filter(t -> t.getRevision().endsWith("/" + revision) || t.getRevision().equals(revision)
            || (t.getType() == TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST
                && s.getLatestReadyRevision().endsWith("/" + revision)))
        .mapToInt(t -> t.getPercent()).sum();
  }

  static TrafficTarget target(String revision, int percent, String tag) {
    TrafficTarget.Builder b = TrafficTarget.newBuilder()
        .setType(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION)
        .setRevision(revision).setPercent(percent);
    if (!tag.isEmpty()) {
      b.setTag(tag);
    }
    return b.build();
  }
}
