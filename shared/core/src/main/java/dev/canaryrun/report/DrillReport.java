package dev.canaryrun.report;

import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Drill;
import dev.canaryrun.rollout.DrillCheck;
import dev.canaryrun.rollout.DrillTimes;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a rollback drill showed (README "Rollback drills"): each check with its time and
 * pass/fail, and the measured alert path: drill incident published on canaryrun-alerts →
 * rollback decided by the alert function → 0% served, as Cloud Run's own state says. Built
 * from the ended drill rollout, its audit trail and one read of the Cloud Run service, so it
 * can be rebuilt from what is stored.
 *
 * @param outcome PASSED (every check passed), FAILED, SUPERSEDED (a real build took the
 *     service: the drill stepped aside cleanly, and says how far it got), or REFUSED (never
 *     started; its one check says why)
 * @param zeroServedAt when Cloud Run finished serving the split without the drill revision
 *     (the service's Ready condition); null when it was not seen
 */
public record DrillReport(String rolloutId, String service, String region, String image,
    String stableRevision, String drillRevision, String requestedBy, String reason,
    Instant startedAt, Instant endedAt, Outcome outcome, String summary, List<DrillCheck> checks,
    Instant alertPublishedAt, Instant rollbackDecidedAt, Instant zeroServedAt) {

  public enum Outcome { PASSED, FAILED, SUPERSEDED, REFUSED }

  /** The check of a drill that never started, saying why. */
  public static final String STARTED = "started";

  /**
   * A drill that was not started (a rollout in flight, a service serving a split, the wrong
   * region, a scheduled drill delivered after its window): stored like a report, so the
   * operator's CLI and {@code drill --report} see the reason as for any drill.
   */
  public static DrillReport refused(String rolloutId, String service, String region,
      String requestedBy, String reason, String why, Instant at) {
    return new DrillReport(rolloutId, service, region == null ? "" : region, "", "", "",
        requestedBy, reason, at, at, Outcome.REFUSED, "rollback drill of " + service
            + " REFUSED: " + why, List.of(DrillCheck.fail(STARTED, why, at)), null, null, null);
  }

  public static final String PERMISSIONS = "permissions";
  public static final String ALERT_POLICIES = "alertPolicies";
  public static final String DEPLOY = "stableImageDeploys";
  public static final String SMOKE = "smokeCheck";
  public static final String FIRST_STEP = "firstStep";
  public static final String ALERT_PATH = "alertToRollback";
  public static final String ZERO = "zeroServed";

  public DrillReport {
    Objects.requireNonNull(rolloutId, "rolloutId");
    Objects.requireNonNull(outcome, "outcome");
    checks = List.copyOf(checks);
  }

  /**
   * What Cloud Run serves the drill revision after the drill ended.
   *
   * @param at the time Cloud Run says the service became ready with that split; null if unknown
   */
  public record Served(int candidatePercent, Instant at, String detail) {}

  /** The report of an ended drill rollout; {@code served} is null when Cloud Run was not read. */
  public static DrillReport of(Rollout r, List<AuditEntry> trail, Served served) {
    Drill drill = Objects.requireNonNull(r.drill(), "not a drill: " + r.id());
    DrillTimes t = r.drillTimes();
    List<DrillCheck> checks = new ArrayList<>(drill.checks());
    Instant start = trail.isEmpty() ? r.createdAt() : trail.get(0).at();
    checks.add(step(trail, "DeployCompleted", "DeployFailed", DEPLOY, start,
        "the stable image deployed as " + r.candidateRevision() + " with no traffic",
        "the stable image did not deploy"));
    checks.add(step(trail, "SmokeCheckPassed", "SmokeCheckFailed", SMOKE, start,
        "the drill revision passed its smoke check", "the drill revision failed its smoke check"));
    checks.add(firstStep(trail, start));
    checks.add(r.state() == RolloutState.SUPERSEDED && t.rollbackDecidedAt() == null
        ? DrillCheck.fail(ALERT_PATH, "not measured (" + r.reason() + "): the drill incident"
            + (t.firedAt() == null ? " had not been fired" : " fired at " + t.firedAt()
            + " had not been handled"), t.firedAt())
        : alertPath(t));
    // Superseded or rolled back, the drill revision must end at 0%: a clean end either way.
    DrillCheck zero = zero(r, t, served);
    checks.add(zero);
    Instant zeroAt = zero.passed() ? zero.at() : null;
    boolean allPassed = checks.stream().allMatch(DrillCheck::passed);
    Outcome outcome = r.state() == RolloutState.SUPERSEDED ? Outcome.SUPERSEDED
        : allPassed && r.state() == RolloutState.ROLLED_BACK ? Outcome.PASSED : Outcome.FAILED;
    Instant ended = trail.isEmpty() ? r.stateSince() : trail.get(trail.size() - 1).at();
    return new DrillReport(r.id(), r.service(), r.region(), r.image(), drill.stableRevision(),
        r.candidateRevision(), drill.requestedBy(), drill.reason(), start, ended, outcome,
        summary(outcome, checks, r, t, zeroAt), checks, t.alertPublishedAt(),
        t.rollbackDecidedAt(), zeroAt);
  }

  private static DrillCheck step(List<AuditEntry> trail, String ok, String bad, String name,
      Instant start, String passed, String failed) {
    for (AuditEntry a : trail) {
      if (a.eventType().equals(ok) || a.eventType().equals(bad)) {
        boolean good = a.eventType().equals(ok);
        return new DrillCheck(name, good, (good ? passed : failed) + ": " + a.message(), a.at(),
            Duration.between(start, a.at()).toMillis());
      }
    }
    return DrillCheck.fail(name, "did not happen (the drill ended before it)", null);
  }

  private static DrillCheck firstStep(List<AuditEntry> trail, Instant start) {
    for (AuditEntry a : trail) {
      if (a.confirmsTraffic() && a.from() == RolloutState.CANARY && a.trafficAfter() > 0) {
        return new DrillCheck(FIRST_STEP, true, "Cloud Run served the drill revision "
            + a.trafficAfter() + "% at the first step", a.at(),
            Duration.between(start, a.at()).toMillis());
      }
    }
    return DrillCheck.fail(FIRST_STEP, "the first step was never confirmed by Cloud Run", null);
  }

  private static DrillCheck alertPath(DrillTimes t) {
    if (t.alertPublishedAt() == null || t.rollbackDecidedAt() == null) {
      return DrillCheck.fail(ALERT_PATH, t.firedAt() == null
          ? "the drill incident was never fired" : "the drill incident fired at " + t.firedAt()
          + " never reached a rollback decision", t.firedAt());
    }
    long ms = Duration.between(t.alertPublishedAt(), t.rollbackDecidedAt()).toMillis();
    return new DrillCheck(ALERT_PATH, true, "drill incident published on canaryrun-alerts at "
        + t.alertPublishedAt() + ", rollback decided by the alert function " + ms + " ms later",
        t.rollbackDecidedAt(), ms);
  }

  private static DrillCheck zero(Rollout r, DrillTimes t, Served served) {
    if (served == null) {
      return DrillCheck.fail(ZERO, "Cloud Run could not be read after the rollback", null);
    }
    if (served.candidatePercent() != 0) {
      return DrillCheck.fail(ZERO, "Cloud Run still serves the drill revision "
          + served.candidatePercent() + "% (" + served.detail() + ")", served.at());
    }
    Long ms = served.at() == null || t.alertPublishedAt() == null ? null
        : Duration.between(t.alertPublishedAt(), served.at()).toMillis();
    return new DrillCheck(ZERO, true, "Cloud Run serves "
        + r.candidateRevision() + " 0% (" + served.detail() + ")"
        + (ms == null ? "" : "; alert published -> 0% served " + ms + " ms"), served.at(), ms);
  }

  private static String summary(Outcome o, List<DrillCheck> checks, Rollout r, DrillTimes t,
      Instant zeroAt) {
    long passed = checks.stream().filter(DrillCheck::passed).count();
    String head = "rollback drill of " + r.service() + " " + o + ": " + passed + " of "
        + checks.size() + " checks passed";
    if (o == Outcome.SUPERSEDED) {
      return head + "; " + r.reason();
    }
    if (t.alertPublishedAt() != null && t.rollbackDecidedAt() != null && zeroAt != null) {
      return head + "; alert published -> rollback decided "
          + Duration.between(t.alertPublishedAt(), t.rollbackDecidedAt()).toMillis()
          + " ms -> 0% served " + Duration.between(t.alertPublishedAt(), zeroAt).toMillis()
          + " ms";
    }
    List<String> failed = checks.stream().filter(c -> !c.passed()).map(DrillCheck::name).toList();
    return head + (failed.isEmpty() ? "" : "; failed: " + String.join(", ", failed));
  }

  /** Milliseconds from the drill incident's publish to the rollback decision; null if unknown. */
  public Long alertToDecisionMillis() {
    return between(alertPublishedAt, rollbackDecidedAt);
  }

  /** Milliseconds from the rollback decision to 0% served; null if unknown. */
  public Long decisionToZeroMillis() {
    return between(rollbackDecidedAt, zeroServedAt);
  }

  /** Milliseconds from the drill incident's publish to 0% served (the drill's figure). */
  public Long alertToZeroMillis() {
    return between(alertPublishedAt, zeroServedAt);
  }

  private static Long between(Instant a, Instant b) {
    return a == null || b == null ? null : Duration.between(a, b).toMillis();
  }

  /** The report as JSON-ready values: the lifecycle event's {@code details.drillReport}. */
  public Map<String, Object> fields() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rolloutId", rolloutId);
    m.put("service", service);
    m.put("region", region);
    m.put("image", image);
    m.put("stableRevision", stableRevision);
    m.put("drillRevision", drillRevision);
    m.put("requestedBy", requestedBy);
    m.put("reason", reason);
    m.put("startedAt", text(startedAt));
    m.put("endedAt", text(endedAt));
    m.put("outcome", outcome.name());
    m.put("summary", summary);
    List<Map<String, Object>> list = new ArrayList<>();
    for (DrillCheck c : checks) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("name", c.name());
      x.put("passed", c.passed());
      x.put("detail", c.detail());
      x.put("at", text(c.at()));
      x.put("millis", c.millis());
      list.add(x);
    }
    m.put("checks", list);
    m.put("alertPublishedAt", text(alertPublishedAt));
    m.put("rollbackDecidedAt", text(rollbackDecidedAt));
    m.put("zeroServedAt", text(zeroServedAt));
    m.put("alertToDecisionMillis", alertToDecisionMillis());
    m.put("decisionToZeroMillis", decisionToZeroMillis());
    m.put("alertToZeroMillis", alertToZeroMillis());
    return m;
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }

  /** For people: the CLI and the log. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    out.add("Rollback drill " + rolloutId + " (" + service + ", " + region + "): " + outcome);
    out.add("  drilled    " + image + " (stable " + stableRevision + ") as " + drillRevision
        + ", by " + requestedBy + ": " + reason);
    out.add("  from       " + startedAt + " to " + endedAt);
    for (DrillCheck c : checks) {
      out.add(String.format("  %-4s %-19s %s%s", c.passed() ? "pass" : "FAIL", c.name(),
          c.millis() == null ? "" : c.millis() + " ms  ", c.detail()));
    }
    if (alertToZeroMillis() != null) {
      out.add("  alert path published " + alertPublishedAt + " -> rollback decided "
          + alertToDecisionMillis() + " ms -> 0% served (Cloud Run) " + alertToZeroMillis()
          + " ms");
    }
    return out;
  }
}
