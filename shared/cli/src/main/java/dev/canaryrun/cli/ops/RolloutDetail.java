package dev.canaryrun.cli.ops;

import dev.canaryrun.judge.Check;
import dev.canaryrun.policy.Step;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Rollout;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code canaryrun get}: one rollout in full: what is deployed, each step with when it
 * started (from the audit trail), the traffic history as Cloud Run confirmed it, the last
 * verdict with every check (what it still needs is in the inconclusive checks' words), and
 * the holds with who set them.
 */
public final class RolloutDetail {
  private RolloutDetail() {}

  static List<String> lines(Rollout r, List<AuditEntry> audit, Instant now) {
    List<String> out = new ArrayList<>();
    out.add("rollout    " + r.id() + "  (" + r.service() + ", " + r.region() + ")");
    if (r.releaseId() != null) {
      // A region of a release across regions: where it stands in the release's waves.
      var plan = r.policy().regions();
      out.add("release    " + r.releaseId() + ": wave " + (r.spec().wave() + 1) + " of "
          + plan.waves().size() + " " + plan.waves() + ", on a region's failure "
          + plan.onRegionFailure().name().toLowerCase(java.util.Locale.ROOT));
    }
    out.add("state      " + r.state() + (r.ended() ? " (finished)" : "") + " for "
        + Human.duration(Duration.between(r.stateSince(), now)) + ": " + r.reason());
    out.add("image      " + r.image());
    out.add("revisions  stable " + (r.stableRevision() == null ? "-" : r.stableRevision())
        + ", candidate " + r.candidateRevision());
    out.add("traffic    candidate " + StatusTable.traffic(r));
    out.add("created    " + Human.time(r.createdAt()) + " (build " + r.buildId() + ", finished "
        + Human.time(r.builtAt()) + ")");
    out.add("steps");
    List<Step> steps = r.policy().steps();
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      Instant started = stepStart(audit, s.percent());
      String marker = i == r.stepIndex() && !r.state().terminal() ? " <- current" : "";
      out.add(String.format("  %d. %3d%%  min %s, max %s  %s%s", i + 1, s.percent(),
          Human.duration(s.minDwell()), Human.duration(s.maxDwell()),
          started == null ? "not reached" : "started " + Human.time(started), marker));
    }
    out.add("traffic history (as Cloud Run confirmed it)");
    boolean any = false;
    for (AuditEntry a : audit) {
      if (a.confirmsTraffic()) {
        out.add("  " + Human.time(a.at()) + "  candidate " + a.trafficAfter() + "%  ("
            + a.actor() + ")");
        any = true;
      }
    }
    if (!any) {
      out.add("  none yet");
    }
    out.add("verdict");
    if (r.lastVerdict() == null) {
      out.add("  none yet (no judged tick)");
    } else {
      out.add("  " + r.lastVerdict().outcome() + ": " + r.lastVerdict().summary());
      for (Check c : r.lastVerdict().checks()) {
        out.add("    " + c.name() + " " + c.outcome() + ": " + c.explanation());
      }
    }
    out.add("holds");
    if (r.pause() == null && r.stableIncidents().isEmpty()) {
      out.add("  none");
    }
    if (r.pause() != null) {
      out.add("  paused by " + r.pause().actor() + ": " + r.pause().reason()
          + (r.pause().until() == null ? " (until resumed)" : " (until "
          + Human.time(r.pause().until()) + ", then " + r.pause().atExpiry() + ")"));
    }
    for (String incident : r.stableIncidents().stream().sorted().toList()) {
      out.add("  open Monitoring incident on the stable revision: " + incident);
    }
    return out;
  }

  /** When the candidate first got {@code percent}% (the decision, before Cloud Run confirms). */
  public static Instant stepStart(List<AuditEntry> audit, int percent) {
    for (AuditEntry a : audit) {
      if (a.trafficAfter() == percent && a.trafficBefore() != percent) {
        return a.at();
      }
    }
    return null;
  }
}
