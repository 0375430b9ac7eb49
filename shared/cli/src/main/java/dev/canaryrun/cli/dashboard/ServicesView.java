package dev.canaryrun.cli.dashboard;

import dev.canaryrun.port.RolloutHistory;
import dev.canaryrun.port.RolloutStore;
import dev.canaryrun.rollout.Rollout;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/services}: every watched service with its rollouts in flight (one per region:
 * state, step, share, last verdict, time in step, region and wave of a release across regions)
 * and its finished rollouts, newest first, with how each ended and how long it took.
 */
final class ServicesView {
  static final int FINISHED_SHOWN = 10;

  private ServicesView() {}

  static Map<String, Object> of(String project, RolloutStore store, RolloutHistory history,
      Instant now) {
    List<Map<String, Object>> services = new ArrayList<>();
    for (String service : history.services()) {
      // One pointer per region: a service in two regions may have a rollout in flight in each.
      java.util.Set<String> activeIds = new java.util.HashSet<>();
      store.pointers(service).forEach(p -> {
        if (p.activeRolloutId() != null) {
          activeIds.add(p.activeRolloutId());
        }
      });
      List<Map<String, Object>> inFlight = new ArrayList<>();
      List<Map<String, Object>> finished = new ArrayList<>();
      java.util.Set<String> regionsInFlight = new java.util.HashSet<>();
      // Enough to find every region's rollout of a release across regions, plus the finished.
      for (Rollout r : history.ofService(service, FINISHED_SHOWN + activeIds.size() + 1)) {
        if ((activeIds.contains(r.id()) || !r.ended()) && regionsInFlight.add(r.region())) {
          inFlight.add(summary(r, now));
        } else if (finished.size() < FINISHED_SHOWN) {
          finished.add(summary(r, now));
        }
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("service", service);
      m.put("current", inFlight.isEmpty() ? null : inFlight.get(0));
      m.put("inFlight", inFlight);
      m.put("finished", finished);
      services.add(m);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("project", project);
    m.put("now", now.toString());
    m.put("services", services);
    return m;
  }

  static Map<String, Object> summary(Rollout r, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("region", r.region());
    m.put("releaseId", r.releaseId());
    m.put("wave", r.releaseId() == null ? null : r.spec().wave() + 1);
    m.put("waves", r.releaseId() == null ? null : r.policy().regions().waves().size());
    m.put("state", r.state().name());
    m.put("ended", r.ended());
    m.put("image", r.image());
    m.put("stepIndex", r.stepIndex());
    m.put("steps", r.policy().steps().size());
    m.put("candidatePercent", r.traffic().candidatePercent());
    m.put("applied", r.traffic().applied());
    m.put("stableRevision", r.stableRevision());
    m.put("candidateRevision", r.candidateRevision());
    m.put("verdict", r.lastVerdict() == null ? null : Map.of(
        "outcome", r.lastVerdict().outcome().name(), "summary", r.lastVerdict().summary()));
    m.put("reason", r.reason());
    m.put("stateSince", r.stateSince().toString());
    m.put("secondsInState", Duration.between(r.stateSince(), now).toSeconds());
    m.put("createdAt", r.createdAt().toString());
    m.put("durationSeconds", Duration.between(r.createdAt(), r.ended() ? r.updatedAt() : now)
        .toSeconds());
    m.put("paused", r.pause() != null);
    return m;
  }
}
