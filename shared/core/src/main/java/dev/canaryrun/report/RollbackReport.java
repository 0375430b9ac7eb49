package dev.canaryrun.report;

import dev.canaryrun.judge.Check;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The short report a rollback ends with, built from the rollout and its audit trail only (so
 * it can be rebuilt at any time: the engine writes it into the audit entry that ends the
 * rollback and into the ROLLED_BACK event, and the CLI rebuilds it for rollouts that ended
 * before reports were stored): what was deployed, when each traffic share started,
 * what triggered the rollback, how long the candidate served at which share, the requests it
 * served and the bad ones beyond the stable revision's rate, and the time from the trigger to
 * 0% confirmed by Cloud Run.
 *
 * <p>Requests and excess bad requests come from the judge's cumulative error check (the
 * metric buckets it consumed up to its last verdict): minutes still inside Monitoring's
 * ingest delay at the rollback are not counted, so they are a lower bound, and absent when
 * the judge never saw a bucket.
 *
 * @param shares each traffic share Cloud Run confirmed, in order, with how long it lasted
 * @param requests canary requests the judge counted; null without a judged bucket
 * @param excessBadRequests canary 5xx beyond the stable rate; null without a judged bucket
 * @param triggerToZero the rollback decision to Cloud Run's confirmation of 0%; null while
 *     not confirmed; zero for a rollout that ended before the candidate had any traffic
 */
public record RollbackReport(String rolloutId, String service, String image,
    String candidateRevision, String stableRevision, Instant deployedAt, Trigger trigger,
    List<Share> shares, Duration candidateServed, Double requests, Double excessBadRequests,
    Duration triggerToZero) {

  /** What decided the rollback. */
  public enum Cause { JUDGE, ALERT, OPERATOR, DIRECT, OTHER }

  public record Trigger(Instant at, Cause cause, String actor, String detail) {}

  /** The candidate served {@code percent}% from {@code from} for {@code lasted}. */
  public record Share(Instant from, int percent, Duration lasted) {}

  public RollbackReport {
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(candidateServed, "candidateServed");
    shares = List.copyOf(shares);
  }

  /**
   * The report of a rollout that was rolled back (or is rolling back); empty otherwise. Only
   * the latest rollback counts: after a retry the trail holds an earlier run too, and its
   * shares are not this rollback's exposure.
   */
  public static Optional<RollbackReport> of(Rollout r, List<AuditEntry> audit) {
    int decisionAt = -1;
    for (int i = 0; i < audit.size(); i++) {
      AuditEntry a = audit.get(i);
      if ((a.to() == RolloutState.ROLLING_BACK || a.to() == RolloutState.ROLLED_BACK)
          && a.from() != RolloutState.ROLLING_BACK && a.from() != RolloutState.ROLLED_BACK) {
        decisionAt = i; // the last one: a retried rollout may have been rolled back before
      }
    }
    if (decisionAt < 0) {
      return Optional.empty();
    }
    AuditEntry decision = audit.get(decisionAt);
    int runStart = 0;
    for (int i = 0; i < decisionAt; i++) {
      if (audit.get(i).from().terminal() && !audit.get(i).to().terminal()) {
        runStart = i; // a retry brought it back: this run's exposure starts here
      }
    }
    Instant deployedAt = null;
    List<Share> shares = new ArrayList<>();
    Instant zeroAt = null;
    Instant shareStart = null;
    int sharePercent = 0;
    for (int i = 0; i < audit.size(); i++) {
      AuditEntry a = audit.get(i);
      if (deployedAt == null && a.eventType().equals("DeployCompleted")) {
        deployedAt = a.at();
      }
      if (i < runStart || !a.confirmsTraffic()) {
        continue;
      }
      if (shareStart != null && sharePercent > 0) {
        shares.add(new Share(shareStart, sharePercent, Duration.between(shareStart, a.at())));
      }
      shareStart = a.at();
      sharePercent = a.trafficAfter();
      if (a.trafficAfter() == 0 && !a.at().isBefore(decision.at()) && zeroAt == null) {
        zeroAt = a.at();
      }
    }
    if (zeroAt == null && shareStart == null && r.state() == RolloutState.ROLLED_BACK) {
      zeroAt = decision.at(); // ended before any traffic (DEPLOYING, VERIFYING): already at 0%
    }
    Duration served = shares.stream().map(Share::lasted).reduce(Duration.ZERO, Duration::plus);
    Check errors = errorsCheck(decision.verdict() != null ? decision.verdict() : r.lastVerdict());
    Double requests = errors == null ? null : errors.figures().get("canaryRequests");
    Double excess = null;
    if (errors != null && requests != null && errors.figures().containsKey("canaryErrors")) {
      double stableRate = errors.figures().getOrDefault("stableRate", Double.NaN);
      double expected = Double.isNaN(stableRate) ? 0 : requests * stableRate;
      excess = Math.max(0, errors.figures().get("canaryErrors") - expected);
    }
    return Optional.of(new RollbackReport(r.id(), r.service(), r.image(), r.candidateRevision(),
        r.stableRevision(), deployedAt, trigger(decision), shares, served, requests, excess,
        zeroAt == null ? null : Duration.between(decision.at(), zeroAt)));
  }

  /**
   * The report the engine stored with the rollout's last rollback, when the rollout is
   * ROLLED_BACK and its last entry into that state carries one; empty for a rollout that is
   * still rolling back, and for one that ended before reports were stored (use {@link #of}).
   */
  public static Optional<RollbackReport> stored(Rollout r, List<AuditEntry> audit) {
    if (r.state() != RolloutState.ROLLED_BACK) {
      return Optional.empty();
    }
    for (int i = audit.size() - 1; i >= 0; i--) {
      if (audit.get(i).endsRollback()) {
        return Optional.ofNullable(audit.get(i).report());
      }
    }
    return Optional.empty();
  }

  /** The report as a few lines of text; times relative to the deploy when known. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    out.add("Rollback report for " + rolloutId + " (" + service + ")");
    out.add("  deployed   " + image + " as " + candidateRevision + " (stable "
        + (stableRevision == null ? "unknown" : stableRevision) + ")"
        + (deployedAt == null ? "" : " at " + deployedAt));
    for (Share s : shares) {
      out.add("  step       " + s.percent() + "% from " + s.from() + " for " + human(s.lasted()));
    }
    out.add("  trigger    " + trigger.cause().name().toLowerCase(Locale.ROOT) + " at "
        + trigger.at() + " (" + trigger.actor() + "): " + trigger.detail());
    out.add("  served     candidate had traffic for " + human(candidateServed)
        + (shares.isEmpty() ? " (never served users)" : ", at most " + maxPercent() + "%"));
    out.add("  requests   " + (requests == null ? "unknown (no metric bucket judged)"
        : String.format(Locale.ROOT, "%.0f served by the candidate as judged, %.0f excess bad"
        + " requests (5xx beyond the stable revision's rate)", requests, excessBadRequests)));
    out.add("  recovery   " + recovery());
    return out;
  }

  /** The highest share the candidate served; 0 when it never served users. */
  public int maxPercent() {
    return shares.stream().mapToInt(Share::percent).max().orElse(0);
  }

  /** Trigger to 0%, or why there is no such time. */
  public String recovery() {
    if (triggerToZero == null) {
      return "0% not confirmed by Cloud Run yet";
    }
    return shares.isEmpty() && triggerToZero.isZero()
        ? "nothing to take back: the candidate never served users"
        : "trigger -> 0% confirmed by Cloud Run in " + human(triggerToZero);
  }

  /**
   * The report as plain JSON values (strings, numbers, lists, maps; absent fields left out),
   * for the ROLLED_BACK lifecycle event: subscribers get the figures, not only text. Times are
   * ISO-8601, durations whole milliseconds.
   */
  public Map<String, Object> fields() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rolloutId", rolloutId);
    m.put("service", service);
    m.put("image", image);
    m.put("candidateRevision", candidateRevision);
    putIfPresent(m, "stableRevision", stableRevision);
    putIfPresent(m, "deployedAt", deployedAt == null ? null : deployedAt.toString());
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("at", trigger.at().toString());
    t.put("cause", trigger.cause().name());
    t.put("actor", trigger.actor());
    t.put("detail", trigger.detail());
    m.put("trigger", t);
    List<Map<String, Object>> steps = new ArrayList<>();
    for (Share s : shares) {
      steps.add(Map.of("from", s.from().toString(), "percent", s.percent(),
          "lastedMillis", s.lasted().toMillis()));
    }
    m.put("shares", steps);
    m.put("maxPercent", maxPercent());
    m.put("candidateServedMillis", candidateServed.toMillis());
    putIfPresent(m, "requests", requests);
    putIfPresent(m, "excessBadRequests", excessBadRequests);
    putIfPresent(m, "triggerToZeroMillis", triggerToZero == null ? null
        : triggerToZero.toMillis());
    return m;
  }

  private static void putIfPresent(Map<String, Object> m, String key, Object value) {
    // NaN and infinities are not JSON numbers: left out like an absent value.
    if (value != null && !(value instanceof Double d && !Double.isFinite(d))) {
      m.put(key, value);
    }
  }

  private static Trigger trigger(AuditEntry a) {
    String type = a.eventType();
    Cause cause;
    String detail = a.message();
    if (type.equals("Tick")) {
      cause = Cause.JUDGE;
      detail = a.verdict() != null ? a.verdict().outcome() + ": " + a.verdict().summary()
          : a.message();
    } else if (type.equals("AlertFired")) {
      cause = Cause.ALERT;
    } else if (type.startsWith("Command.")) {
      cause = Cause.OPERATOR;
    } else if (type.equals("DirectRollback")) {
      cause = Cause.DIRECT;
    } else {
      cause = Cause.OTHER;
    }
    return new Trigger(a.at(), cause, a.actor(), detail);
  }

  private static Check errorsCheck(Verdict v) {
    if (v == null) {
      return null;
    }
    return v.checks().stream().filter(c -> c.name().equals("errors")).findFirst().orElse(null);
  }

  public static String human(Duration d) {
    long ms = d.toMillis();
    if (ms < 10_000) {
      return String.format(Locale.ROOT, "%.2f s", ms / 1000.0);
    }
    long s = d.toSeconds();
    if (s < 60) {
      return s + " s";
    }
    return s < 3600 ? (s / 60) + " min " + (s % 60) + " s" : (s / 3600) + " h " + (s % 3600 / 60)
        + " min";
  }
}
