package dev.canaryrun.port;

import dev.canaryrun.rollout.Effect.DeployRevision;
import dev.canaryrun.rollout.Effect.LocateRevision;
import dev.canaryrun.rollout.Effect.ObserveTraffic;
import dev.canaryrun.rollout.Effect.SetTraffic;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Cloud Run traffic management. Every method is idempotent: the same request twice leaves the
 * service as one request would. Failures are {@link TransientFailure} (retry),
 * {@link PermanentFailure} (report) or, for traffic writes, {@link TrafficOverridden}: someone
 * else changed the split, and canaryrun must not overwrite it.
 */
public interface TrafficRouter {
  /**
   * Creates the candidate revision with the tag and no traffic (or, in adopt mode, checks the
   * tagged revision exists, and takes back any traffic it already serves) and reports which
   * revision serves users now.
   */
  Deployment deploy(DeployRevision request);

  /**
   * Observe-only mode: finds the candidate revision (it must exist) and the stable revision it
   * is compared with (what served before it, never the candidate), and writes nothing.
   */
  Deployment locate(LocateRevision request);

  /**
   * Sets the candidate's share and gives the stable revision the rest, keeping traffic targets
   * and tags that canaryrun does not manage.
   *
   * @throws TrafficOverridden when what Cloud Run serves is not the split canaryrun last
   *     applied: an operator changed it by hand, and writing would silently undo that. Never
   *     for a candidate share of 0%: taking the candidate out (rollback) always goes through
   */
  void setTraffic(SetTraffic request);

  /** The candidate's share of what the service serves now (Cloud Run's traffic statuses). */
  int candidatePercentServed(ObserveTraffic request);

  /**
   * @param stableRevision the revision serving (most of) the traffic before the change; never
   *     a revision the change being rolled out created
   * @param takenBack set when the adopted revision already served traffic (the build deployed
   *     it and the service followed LATEST) and the deploy took that exposure back to 0%
   * @param scaling the candidate's scaling as deployed, in words, when the request set some
   *     ({@link dev.canaryrun.policy.CandidateScaling}), or why it could not; else null
   */
  record Deployment(String candidateRevision, String stableRevision, String candidateUrl,
      TakenBack takenBack, String scaling) {
    public Deployment(String candidateRevision, String stableRevision, String candidateUrl) {
      this(candidateRevision, stableRevision, candidateUrl, null, null);
    }

    public Deployment(String candidateRevision, String stableRevision, String candidateUrl,
        TakenBack takenBack) {
      this(candidateRevision, stableRevision, candidateUrl, takenBack, null);
    }
  }

  /**
   * Exposure the deploy removed: the candidate served {@code percent}% ({@code viaLatest}: by
   * a LATEST target) when canaryrun adopted it, and now serves 0% with stable pinned.
   */
  record TakenBack(int percent, boolean viaLatest) {
    /** The audit line, e.g. "the build deployed X serving 100% via LATEST; taken back ...". */
    public String describe(String candidate, String stable) {
      return "the build deployed " + candidate + " serving " + percent + "%"
          + (viaLatest ? " via LATEST" : "") + "; taken back to 0%, stable " + stable
          + " pinned";
    }
  }

  /**
   * Cloud Run serves a split canaryrun did not apply.
   *
   * @param applied the split canaryrun last wrote (revision to percent)
   * @param serving the split Cloud Run has now
   * @param modifiedBy who last changed the service (Cloud Run's {@code last_modifier}), or null
   * @param modifiedAt when, or null
   */
  final class TrafficOverridden extends PermanentFailure {
    private final String service;
    private final Map<String, Integer> applied;
    private final Map<String, Integer> serving;
    private final String modifiedBy;
    private final Instant modifiedAt;

    public TrafficOverridden(String service, Map<String, Integer> applied,
        Map<String, Integer> serving, String modifiedBy, Instant modifiedAt) {
      super("traffic of " + service + " was changed outside canaryrun"
          + (modifiedBy == null || modifiedBy.isEmpty() ? "" : " by " + modifiedBy)
          + (modifiedAt == null ? "" : " at " + modifiedAt) + ": canaryrun applied " + applied
          + ", Cloud Run serves " + serving + "; not overwriting an operator's change");
      this.service = Objects.requireNonNull(service, "service");
      this.applied = Map.copyOf(applied);
      this.serving = Map.copyOf(serving);
      this.modifiedBy = modifiedBy;
      this.modifiedAt = modifiedAt;
    }

    public String service() {
      return service;
    }

    public Map<String, Integer> applied() {
      return applied;
    }

    public Map<String, Integer> serving() {
      return serving;
    }

    public String modifiedBy() {
      return modifiedBy;
    }

    public Instant modifiedAt() {
      return modifiedAt;
    }
  }
}
