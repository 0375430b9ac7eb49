package dev.canaryrun.port;

import dev.canaryrun.rollout.Effect.DeployRevision;
import dev.canaryrun.rollout.Effect.ObserveTraffic;
import dev.canaryrun.rollout.Effect.SetTraffic;

/**
 * Cloud Run traffic management. Every method is idempotent: the same request twice leaves the
 * service as one request would. Failures are {@link TransientFailure} (retry) or
 * {@link PermanentFailure} (report).
 */
public interface TrafficRouter {
  /**
   * Creates the candidate revision with the tag and no traffic (or, in adopt mode, checks the
   * tagged no-traffic revision exists) and reports which revision serves users now.
   */
  Deployment deploy(DeployRevision request);

  /**
   * Sets the candidate's share and gives the stable revision the rest, keeping traffic targets
   * and tags that canaryrun does not manage.
   */
  void setTraffic(SetTraffic request);

  /** The candidate's share of what the service serves now (Cloud Run's traffic statuses). */
  int candidatePercentServed(ObserveTraffic request);

  /** @param stableRevision the revision serving (most of) the traffic before the rollout */
  record Deployment(String candidateRevision, String stableRevision, String candidateUrl) {}
}
