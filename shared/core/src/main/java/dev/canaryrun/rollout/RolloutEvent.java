package dev.canaryrun.rollout;

import dev.canaryrun.judge.Judgement;
import java.time.Instant;
import java.util.Objects;

/**
 * Everything that can happen to a rollout. Each event has an id (idempotency: the same id is
 * applied once) and the time it happened at its source (staleness).
 */
public sealed interface RolloutEvent {
  String eventId();

  Instant occurredAt();

  /** A short type name for logs and the audit trail. */
  default String type() {
    return getClass().getSimpleName();
  }

  /**
   * A successful build of a watched service. {@code adoptRevision} is set when the build
   * deployed a no-traffic tagged revision itself (adopt mode), else null. {@code region} is
   * null when the build named none: the watched service's region applies
   * ({@link #inRegion}). {@code buildProject} and {@code triggerId} are what the build says
   * about its origin (null when unknown or run by hand), for the policy's release rules.
   */
  record BuildSucceeded(String eventId, Instant occurredAt, String service, String region,
      String image, String buildId, String adoptRevision, String buildProject, String triggerId)
      implements RolloutEvent {
    public BuildSucceeded {
      Objects.requireNonNull(eventId, "eventId");
      Objects.requireNonNull(occurredAt, "occurredAt");
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(image, "image");
      Objects.requireNonNull(buildId, "buildId");
    }

    /** A build whose origin is not known (tests, the engine's own restarts). */
    public BuildSucceeded(String eventId, Instant occurredAt, String service, String region,
        String image, String buildId, String adoptRevision) {
      this(eventId, occurredAt, service, region, image, buildId, adoptRevision, null, null);
    }

    /** The same build, deploying to {@code r} (the watched service's region). */
    public BuildSucceeded inRegion(String r) {
      return new BuildSucceeded(eventId, occurredAt, service, Objects.requireNonNull(r, "region"),
          image, buildId, adoptRevision, buildProject, triggerId);
    }
  }

  /**
   * The release across regions this rollout belongs to stopped: another of its regions failed
   * (rolled back, failed its deploy or smoke check). Decided by the release's rules
   * ({@link ReleasePlan}); the machine rolls this region back.
   *
   * @param failedRegions the regions whose failure stopped the release, with their states
   */
  record ReleaseStopped(String eventId, Instant occurredAt, String releaseId,
      String failedRegions) implements RolloutEvent {
    public ReleaseStopped {
      Objects.requireNonNull(eventId, "eventId");
      Objects.requireNonNull(occurredAt, "occurredAt");
      Objects.requireNonNull(releaseId, "releaseId");
      Objects.requireNonNull(failedRegions, "failedRegions");
    }
  }

  /** A newer build of the same service started a rollout; this one steps aside. */
  record NewerBuild(String eventId, Instant occurredAt, String newRolloutId) implements RolloutEvent {}

  /** The candidate revision exists with no traffic; the stable revision and tag URL are known. */
  /**
   * @param takenBack what the deploy had to undo, in words (the build's revision already served
   *     traffic through LATEST and was taken back to 0%); null when nothing
   * @param scaling the candidate's scaling as deployed, in words, when the policy sets it
   *     (or why it could not be applied); null when the policy sets none
   */
  record DeployCompleted(String eventId, Instant occurredAt, String stableRevision,
      String candidateUrl, String takenBack, String scaling) implements RolloutEvent {
    public DeployCompleted(String eventId, Instant occurredAt, String stableRevision,
        String candidateUrl) {
      this(eventId, occurredAt, stableRevision, candidateUrl, null, null);
    }

    public DeployCompleted(String eventId, Instant occurredAt, String stableRevision,
        String candidateUrl, String takenBack) {
      this(eventId, occurredAt, stableRevision, candidateUrl, takenBack, null);
    }
  }

  /**
   * Cloud Run serves a split canaryrun did not apply (someone changed traffic by hand), so the
   * traffic write was not made: canaryrun does not overwrite an operator's change.
   *
   * @param modifiedBy who last changed the service, as Cloud Run says; null when unknown
   */
  record TrafficChangedOutside(String eventId, Instant occurredAt, String modifiedBy,
      String detail) implements RolloutEvent {}

  /** Cloud Run refused the candidate (bad image, bad config): permanent. */
  record DeployFailed(String eventId, Instant occurredAt, String reason) implements RolloutEvent {}

  record SmokeCheckPassed(String eventId, Instant occurredAt, String detail) implements RolloutEvent {}

  record SmokeCheckFailed(String eventId, Instant occurredAt, String detail) implements RolloutEvent {}

  /**
   * A timer tick. {@code expectedStep} is set on targeted follow-up ticks (stale when the
   * rollout has moved on). {@code judgement} is the judge's verdict on the buckets that became
   * final since the last tick; null when the rollout is not being judged.
   * {@code newerRollout} names a later rollout of the same service when the tick found one (an
   * ended rollout's split is then the newer rollout's to set); null when none or not looked up.
   * {@code servedPercent} is the candidate's share as Cloud Run serves it, read for an
   * OBSERVING rollout (whose split the team's pipeline sets) before it is judged; null when
   * not read.
   */
  record Tick(String eventId, Instant occurredAt, Integer expectedStep, Judgement judgement,
      String newerRollout, Integer servedPercent) implements RolloutEvent {
    public Tick(String eventId, Instant occurredAt, Integer expectedStep, Judgement judgement) {
      this(eventId, occurredAt, expectedStep, judgement, null, null);
    }

    public Tick(String eventId, Instant occurredAt, Integer expectedStep, Judgement judgement,
        String newerRollout) {
      this(eventId, occurredAt, expectedStep, judgement, newerRollout, null);
    }
  }

  /**
   * A Cloud Monitoring incident opened on a revision of the service.
   *
   * @param publishedAt when the notification was published on canaryrun-alerts (Pub/Sub's
   *     publish time; the incident's own start is in whole seconds); null when unknown
   * @param drillOf for a drill incident (README "Rollback drills"), the drill rollout it was
   *     fired for; null for a real incident. A drill incident acts on that rollout only
   */
  record AlertFired(String eventId, Instant occurredAt, String incidentId, String revision,
      String policyName, String summary, Instant publishedAt, String drillOf)
      implements RolloutEvent {
    /** A real incident whose publish time is not known. */
    public AlertFired(String eventId, Instant occurredAt, String incidentId, String revision,
        String policyName, String summary) {
      this(eventId, occurredAt, incidentId, revision, policyName, summary, null, null);
    }
  }

  /** A Cloud Monitoring incident closed. */
  record AlertResolved(String eventId, Instant occurredAt, String incidentId, String revision)
      implements RolloutEvent {}

  /**
   * An operator's command. {@code expiresAt} and {@code atExpiry} apply to PAUSE only
   * ({@code expiresAt} null = until resumed).
   */
  record Command(String eventId, Instant occurredAt, CommandType command, String actor,
      String reason, Instant expiresAt, ExpiryAction atExpiry, ServiceRollouts service)
      implements RolloutEvent {
    public Command {
      Objects.requireNonNull(command, "command");
      Objects.requireNonNull(actor, "actor");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(service, "service");
      atExpiry = atExpiry == null ? ExpiryAction.RESUME : atExpiry;
    }

    /** A command whose service pointers were not looked up (it targets this rollout). */
    public Command(String eventId, Instant occurredAt, CommandType command, String actor,
        String reason, Instant expiresAt, ExpiryAction atExpiry) {
      this(eventId, occurredAt, command, actor, reason, expiresAt, atExpiry,
          ServiceRollouts.UNKNOWN);
    }

    @Override
    public String type() {
      return "Command." + command;
    }
  }

  /**
   * A command refused before it could be decided, that names this rollout: one that could not
   * be read (unknown field, bad type: MALFORMED), or from a verified sender the service's
   * policy does not list among its operators (UNAUTHORIZED). It is rejected, and audited here,
   * because the trail of who tried to move production traffic must be complete.
   */
  record RefusedCommand(String eventId, Instant occurredAt, Refusal refusal, String actor,
      String problem) implements RolloutEvent {
    public enum Refusal { MALFORMED, UNAUTHORIZED }

    public RefusedCommand {
      Objects.requireNonNull(refusal, "refusal");
      Objects.requireNonNull(actor, "actor");
      Objects.requireNonNull(problem, "problem");
    }

    @Override
    public String type() {
      return "Command." + refusal;
    }
  }

  /**
   * The service's rollouts as a command found them: its rollout in flight and its latest
   * (either may be null). {@link #UNKNOWN} skips the checks that need them.
   */
  record ServiceRollouts(boolean known, String inFlight, String latest) {
    public static final ServiceRollouts UNKNOWN = new ServiceRollouts(false, null, null);

    public static ServiceRollouts of(String inFlight, String latest) {
      return new ServiceRollouts(true, inFlight, latest);
    }
  }

  /** What Cloud Run serves the candidate, read after the rollout ended. */
  record TrafficObserved(String eventId, Instant occurredAt, int candidatePercent)
      implements RolloutEvent {}

  /** Cloud Run confirmed that the candidate now has {@code candidatePercent}. */
  record TrafficApplied(String eventId, Instant occurredAt, int candidatePercent)
      implements RolloutEvent {}
}
