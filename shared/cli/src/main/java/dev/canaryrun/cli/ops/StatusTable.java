package dev.canaryrun.cli.ops;

import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code canaryrun status}: one line per service and region, its current (or latest) rollout's state,
 * step, the candidate's share and whether Cloud Run confirmed it, the two revisions, time in
 * the state and the last verdict.
 */
final class StatusTable {
  /** A service and its rollout in flight, else its latest; empty when it never had one. */
  record Row(String service, Optional<Rollout> rollout) {}

  private StatusTable() {}

  static List<String> lines(List<Row> rows, Instant now, int width) {
    List<List<String>> cells = new ArrayList<>();
    cells.add(List.of("SERVICE", "REGION", "ROLLOUT", "STATE", "STEP", "CANARY", "STABLE",
        "CANDIDATE", "IN STATE", "LAST VERDICT"));
    for (Row row : rows) {
      if (row.rollout().isEmpty()) {
        cells.add(List.of(row.service(), "-", "-", "no rollouts yet", "-", "-", "-", "-", "-",
            "-"));
        continue;
      }
      Rollout r = row.rollout().get();
      // A region of a release across regions: the rollout id is <release>@<region>, and the
      // wave says where the region is in it.
      String region = r.releaseId() == null ? r.region()
          : r.region() + " (wave " + (r.spec().wave() + 1) + "/"
              + r.policy().regions().waves().size() + ")";
      cells.add(List.of(r.service(), region, r.id(), r.state().name(), step(r), traffic(r),
          orDash(r.stableRevision()), r.candidateRevision(),
          Human.duration(Duration.between(r.stateSince(), now)),
          r.lastVerdict() == null ? "-" : r.lastVerdict().outcome() + ": "
              + r.lastVerdict().summary()));
    }
    List<String> out = new ArrayList<>();
    for (String line : Human.table(cells)) {
      out.add(Human.abbreviate(line, width));
    }
    return out;
  }

  static String step(Rollout r) {
    int steps = r.policy().steps().size();
    if (r.state() == RolloutState.CANARY || r.state() == RolloutState.PAUSED) {
      return (r.stepIndex() + 1) + "/" + steps;
    }
    return "-";
  }

  /** {@code 20%}, or {@code 20% (applying)} until Cloud Run confirms the split. */
  static String traffic(Rollout r) {
    return r.traffic().candidatePercent() + "%" + (r.traffic().pending() ? " (applying)" : "");
  }

  static Map<String, Object> json(Row row, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("service", row.service());
    m.put("rollout", row.rollout().map(RolloutJson::rollout).orElse(null));
    m.put("secondsInState", row.rollout()
        .map(r -> Duration.between(r.stateSince(), now).toMillis() / 1000.0).orElse(null));
    return m;
  }

  private static String orDash(String s) {
    return s == null ? "-" : s;
  }
}
