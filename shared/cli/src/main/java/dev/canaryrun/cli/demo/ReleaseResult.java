package dev.canaryrun.cli.demo;

import dev.canaryrun.cli.demo.DemoScenario.Expectation;
import dev.canaryrun.cli.demo.DemoScenario.Release;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.UpdateServiceRequest;
import dev.canaryrun.local.LocalControlPlane;
import dev.canaryrun.local.RecordedCall;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.RolloutState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How one release ended, with the timestamps the summary derives its latencies from. All
 * times but {@code alertPublishedAt} and {@code rollbackAtCloudRun} come from the rollout's
 * audit trail, i.e. from the controller's own record of what it decided and when.
 *
 * @param rolloutId null when the build never became a rollout
 * @param finalState null when there is no rollout
 * @param alertPublishedAt when the demo published the incident; null without one
 * @param rollbackAtCloudRun when local Cloud Run received the UpdateService that took the
 *     candidate back to 0%; null when there was none
 * @param timedOut whether the release was still in flight at the deadline
 */
record ReleaseResult(Release release, String rolloutId, String candidateRevision,
    RolloutState finalState, List<AuditEntry> audit, Instant publishedAt,
    Instant alertPublishedAt, Instant rollbackAtCloudRun, boolean timedOut) {

  ReleaseResult {
    audit = List.copyOf(audit);
  }

  /**
   * " (the controller's words for its last traffic decision)", or "" without one: a release
   * that ends unexpectedly must be diagnosable from the demo's one failure line.
   */
  String why() {
    return audit.stream().filter(AuditEntry::shiftsTraffic).reduce((a, b) -> b)
        .map(a -> " (" + a.message() + ")").orElse("");
  }

  /** What actually happened, in the scenario's vocabulary; empty when none of the three. */
  Optional<Expectation> outcome() {
    if (finalState == RolloutState.PROMOTED) {
      return Optional.of(Expectation.PROMOTED);
    }
    if (finalState != RolloutState.ROLLED_BACK) {
      return Optional.empty();
    }
    return rollbackDecision().flatMap(a -> switch (a.eventType()) {
      case "Tick" -> Optional.of(Expectation.ROLLED_BACK_BY_JUDGE);
      case "AlertFired" -> Optional.of(Expectation.ROLLED_BACK_BY_ALERT);
      default -> Optional.empty();
    });
  }

  boolean asExpected() {
    return outcome().filter(o -> o == release.expect()).isPresent();
  }

  /** The audit entry that decided the rollback (into ROLLING_BACK or straight to ROLLED_BACK). */
  Optional<AuditEntry> rollbackDecision() {
    return audit.stream()
        .filter(a -> a.from() != a.to() && (a.to() == RolloutState.ROLLING_BACK
            || (a.to() == RolloutState.ROLLED_BACK && a.from() != RolloutState.ROLLING_BACK)))
        .findFirst();
  }

  /** When the candidate was first given traffic (the decision into the first CANARY step). */
  Optional<Instant> canaryStartedAt() {
    return audit.stream().filter(a -> a.to() == RolloutState.CANARY && a.from() != a.to())
        .map(AuditEntry::at).findFirst();
  }

  /** When Cloud Run confirmed the final split (promotion or rollback applied). */
  Optional<Instant> finishedAt() {
    return audit.stream()
        .filter(a -> a.to() == finalState && a.from() != a.to())
        .map(AuditEntry::at).reduce((x, y) -> y);
  }

  /** Canary start to rollback decision. */
  Optional<Duration> timeToDetect() {
    return canaryStartedAt().flatMap(s -> rollbackDecision().map(d -> Duration.between(s, d.at())));
  }

  /** Alert published to the rollback decided by OnAlertFired. */
  Optional<Duration> alertToDecision() {
    if (alertPublishedAt == null) {
      return Optional.empty();
    }
    return rollbackDecision().filter(a -> a.eventType().equals("AlertFired"))
        .map(a -> Duration.between(alertPublishedAt, a.at()));
  }

  /** Alert published to the 0% split reaching Cloud Run (the UpdateService call). */
  Optional<Duration> alertToTrafficApplied() {
    if (alertPublishedAt == null || rollbackAtCloudRun == null) {
      return Optional.empty();
    }
    return Optional.of(Duration.between(alertPublishedAt, rollbackAtCloudRun));
  }

  /** Build notification published to promotion confirmed. */
  Optional<Duration> timeToPromote() {
    if (finalState != RolloutState.PROMOTED) {
      return Optional.empty();
    }
    return finishedAt().map(f -> Duration.between(publishedAt, f));
  }

  /** When local Cloud Run received the first update after {@code since} that left the
   *  candidate no traffic: the moment users stopped reaching it. */
  static Instant zeroAtCloudRun(LocalControlPlane plane, String candidate,
      Instant since) {
    if (candidate == null) {
      return null;
    }
    for (RecordedCall c : plane.cloudRun().calls().of("UpdateService")) {
      if (c.at().isBefore(since) || !(c.request() instanceof UpdateServiceRequest u)) {
        continue;
      }
      int percent = 0;
      for (TrafficTarget t : u.getService().getTrafficList()) {
        if (t.getRevision().endsWith(candidate)) {
          percent += t.getPercent();
        }
      }
      if (percent == 0) {
        return c.at();
      }
    }
    return null;
  }
}
