package dev.canaryrun.cli.demo;

import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.RolloutState;
import java.time.Instant;
import java.util.List;

/**
 * One release in one region of a release across regions, for the summary.
 *
 * @param wave 1-based, as the controller's messages count waves
 * @param state null when the release never reached the region (no rollout)
 * @param createdAt when the region's rollout was created; null without one
 * @param endedAt when it reached its terminal state (audit); null without one
 * @param expected what the scenario implies for this region: a terminal state, or null for
 *     "never reached"
 * @param audit the region's rollout's audit trail; empty without one
 */
record RegionRow(String version, String region, int wave, String rolloutId, RolloutState state,
    Instant createdAt, Instant endedAt, RolloutState expected, List<AuditEntry> audit) {

  RegionRow {
    audit = List.copyOf(audit);
  }

  boolean asExpected() {
    return state == expected;
  }

  String outcome() {
    return state == null ? "NOT STARTED" : state.name();
  }

  String expectedText() {
    return expected == null ? "NOT STARTED" : expected.name();
  }
}
