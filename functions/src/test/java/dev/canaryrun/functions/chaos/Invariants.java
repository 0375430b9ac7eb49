package dev.canaryrun.functions.chaos;

import com.google.cloud.firestore.QueryDocumentSnapshot;
import dev.canaryrun.functions.chaos.ChaosRun.Message;
import dev.canaryrun.gcp.run.CloudRunTrafficRouter.ServiceTraffic;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What must hold once the system is quiet, whatever was delivered twice, out of order or cut
 * off half-way. Each check returns the violations it found, in words.
 */
final class Invariants {
  private final ChaosWorld world;
  private final Map<String, Rollout> rollouts = new HashMap<>();
  private final Map<String, List<AuditEntry>> trails = new HashMap<>();
  private final Map<String, List<String>> auditIds = new HashMap<>();

  Invariants(ChaosWorld world) throws Exception {
    this.world = world;
    for (QueryDocumentSnapshot doc : world.db.collection("rollouts").get().get().getDocuments()) {
      String id = doc.getId();
      rollouts.put(id, world.store.find(id).orElseThrow());
      trails.put(id, world.store.audit(id));
      auditIds.put(id, doc.getReference().collection("audit").get().get().getDocuments()
          .stream().map(QueryDocumentSnapshot::getId).sorted().toList());
    }
  }

  int rolloutCount() {
    return rollouts.size();
  }

  List<String> check(List<String> services, List<Message> acked) {
    List<String> v = new ArrayList<>();
    Map<String, List<Rollout>> byService = rollouts.values().stream()
        .collect(Collectors.groupingBy(Rollout::service));
    for (String svc : services) {
      List<Rollout> rs = new ArrayList<>(byService.getOrDefault(svc, List.of()));
      rs.sort(Comparator.comparing(Rollout::createdAt).thenComparing(Rollout::builtAt));
      oneLive(svc, rs, v);
      servedMatchesState(svc, rs, v);
    }
    for (Rollout r : rollouts.values()) {
      // Once quiet the controller owes nothing: an ended rollout has settled, and a live one
      // (an operator's pause has no end) has its split applied.
      if (r.state().terminal() ? r.active() : r.traffic().pending()) {
        v.add(r.id() + " is still owed work once quiet (" + r.state() + ", " + r.traffic()
            + ", settle at " + r.settleAt() + ")");
      } else if (!r.state().terminal() && r.state() != RolloutState.PAUSED) {
        // The quiet phase ran ticks until nothing but pauses was moving, or gave up: a live
        // rollout that is not paused is stuck (a deploy or a check nobody will drive again).
        v.add(r.id() + " is stuck in " + r.state() + " once quiet (" + r.traffic() + ")");
      }
      auditWithoutGaps(r, v);
      eachEventOnce(r, v);
      eachRollbackReportedOnce(r, v);
    }
    ackedHaveTheirEffect(acked, v);
    return v;
  }

  private static void oneLive(String svc, List<Rollout> rs, List<String> v) {
    List<String> live = rs.stream().filter(r -> !r.state().terminal()).map(Rollout::id).toList();
    if (live.size() > 1) {
      v.add(svc + " has " + live.size() + " live rollouts: " + live);
    }
  }

  /** Cloud Run serves what the rollouts say: ended candidates at 0, the promoted one at 100. */
  private void servedMatchesState(String svc, List<Rollout> rs, List<String> v) {
    ServiceTraffic served = world.router.readTraffic(ChaosWorld.REGION, svc);
    Rollout latest = rs.isEmpty() ? null : rs.get(rs.size() - 1);
    for (Rollout r : rs) {
      int p = served.percentOf(r.candidateRevision());
      boolean ended = r.state() == RolloutState.ROLLED_BACK || r.state() == RolloutState.FAILED
          || r.state() == RolloutState.SUPERSEDED;
      if (ended && p != 0) {
        v.add(r.id() + " is " + r.state() + " but Cloud Run serves its candidate " + p + "%");
      }
      if (r == latest && !ended && p != r.traffic().candidatePercent()) {
        v.add(r.id() + " (" + r.state() + ") wants " + r.traffic().candidatePercent()
            + "% but Cloud Run serves " + p + "%: " + served.percentByRevision());
      }
    }
  }

  private void auditWithoutGaps(Rollout r, List<String> v) {
    List<String> ids = auditIds.get(r.id());
    for (int i = 0; i < ids.size(); i++) {
      if (Long.parseLong(ids.get(i)) != i + 1) {
        v.add(r.id() + " audit sequence has a gap at " + (i + 1) + ": " + ids);
        return;
      }
    }
  }

  /** One decision per event per rollout: a cause appears in a trail once at most. */
  private void eachEventOnce(Rollout r, List<String> v) {
    Set<String> seen = new HashSet<>();
    for (AuditEntry a : trails.get(r.id())) {
      if (!seen.add(a.cause())) {
        v.add(r.id() + " audited event " + a.cause() + " twice");
      }
    }
  }

  /**
   * The entry into ROLLED_BACK carries the rollback report, and no other entry does: written
   * with the transition, whatever was redelivered or lost (the port faults spare the trail read;
   * a wire fault may cut it, and the engine reads it again, so a missing report here is the
   * engine's, not the best-effort path's).
   */
  private void eachRollbackReportedOnce(Rollout r, List<String> v) {
    for (AuditEntry a : trails.get(r.id())) {
      if (a.endsRollback() && a.report() == null) {
        v.add(r.id() + " rolled back (" + a.cause() + ") without its report");
      } else if (!a.endsRollback() && a.report() != null) {
        v.add(r.id() + " has a rollback report on " + a.eventType() + " " + a.cause());
      } else if (a.report() != null && !a.report().rolloutId().equals(r.id())) {
        v.add(r.id() + " carries the report of " + a.report().rolloutId());
      }
    }
  }

  private void ackedHaveTheirEffect(List<Message> acked, List<String> v) {
    for (Message m : acked) {
      String eventId = m.event().getId();
      switch (m.kind()) {
        case "build" -> {
          Rollout r = rollouts.get(m.rolloutId());
          boolean newerExists = rollouts.values().stream().anyMatch(o -> o.service()
              .equals(m.service()) && !o.id().equals(m.rolloutId()));
          if (r == null && !newerExists) {
            v.add("build " + eventId + " of " + m.service() + " was acked but has no rollout");
          }
        }
        case "command" -> {
          boolean audited = trails.getOrDefault(m.rolloutId(), List.of()).stream()
              .anyMatch(a -> a.cause().equals("command:" + eventId));
          if (!audited) {
            v.add("command " + eventId + " on " + m.rolloutId()
                + " was acked but is neither applied nor audited as rejected");
          }
        }
        case "alert" -> trails.getOrDefault(m.rolloutId(), List.of()).stream()
            .filter(a -> a.cause().equals("alert:" + eventId))
            .filter(a -> a.to() != RolloutState.ROLLING_BACK
                && a.to() != RolloutState.ROLLED_BACK)
            .forEach(a -> v.add("alert " + eventId + " on the candidate of " + m.rolloutId()
                + " was decided as " + a.to() + ", not a rollback"));
        default -> { }
      }
    }
  }
}
