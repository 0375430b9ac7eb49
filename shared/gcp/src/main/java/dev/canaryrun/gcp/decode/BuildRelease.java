package dev.canaryrun.gcp.decode;

import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import java.util.Objects;

/**
 * A successful build of a service, with who puts the image on Cloud Run. The three ways differ
 * in what canaryrun must do before the engine sees the build: nothing, or find the revision the
 * build already made (its name is Cloud Run's: {@code checkout-00008-x7k}).
 *
 * @param event the start-a-rollout request; for {@link Origin#BUILD_DEPLOYED} its
 *     {@code adoptRevision} is still unknown (null) until the revision is found
 * @param commitSha the {@code COMMIT_SHA} substitution, if any: Cloud Run continuous
 *     deployment labels the revision with it, which helps find that revision
 */
public record BuildRelease(BuildSucceeded event, Origin origin, String commitSha) {

  public enum Origin {
    /** The build only pushed the image: canaryrun deploys it at 0%. */
    CANARYRUN_DEPLOYS,
    /** The build ran {@code gcloud run deploy --no-traffic --tag}: the revision is named. */
    BUILD_DEPLOYED_NO_TRAFFIC,
    /**
     * The build deployed the image itself ({@code gcloud run services update --image}, as the
     * build config of Cloud Run continuous deployment does, or {@code gcloud run deploy}
     * without {@code --no-traffic}): the revision exists, maybe already serving through
     * LATEST, and must be adopted, never deployed a second time.
     */
    BUILD_DEPLOYED
  }

  public BuildRelease {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(origin, "origin");
  }

  /** The request with the revision the build made, once found. */
  public BuildSucceeded adopting(String revision) {
    BuildSucceeded e = event;
    return new BuildSucceeded(e.eventId(), e.occurredAt(), e.service(), e.region(), e.image(),
        e.buildId(), Objects.requireNonNull(revision, "revision"), e.buildProject(),
        e.triggerId());
  }
}
