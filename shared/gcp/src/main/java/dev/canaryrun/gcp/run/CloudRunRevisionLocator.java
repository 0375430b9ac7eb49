package dev.canaryrun.gcp.run;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.Revision;
import dev.canaryrun.gcp.decode.BuildRelease;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * Finds the revision a build deployed itself. Cloud Run names it ({@code checkout-00008-x7k}),
 * so the build notification cannot; Cloud Run's continuous-deployment build labels it
 * {@code gcb-build-id=$BUILD_ID} and {@code commit-sha=$COMMIT_SHA} and runs the image it
 * pushed (by tag {@code :$COMMIT_SHA}, or by digest). The label wins; the image is the fallback
 * for builds that do not label. Among several matches (a retried deploy), the newest.
 */
public final class CloudRunRevisionLocator {
  public static final String BUILD_ID_LABEL = "gcb-build-id";

  private final CloudRunClients clients;
  private final String projectId;

  public CloudRunRevisionLocator(CloudRunClients clients, String projectId) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.projectId = Objects.requireNonNull(projectId, "projectId");
  }

  /**
   * The short name of the revision the build made.
   *
   * @throws TransientFailure when there is none yet: the build reported SUCCESS after its
   *     deploy step, so Cloud Run has it or is still creating it; Pub/Sub retries
   */
  public String deployedBy(BuildRelease release) {
    BuildSucceeded b = release.event();
    String service = "projects/" + projectId + "/locations/" + b.region() + "/services/"
        + b.service();
    List<Revision> revisions;
    try {
      revisions = StreamSupport.stream(
          clients.revisions().listRevisions(service).iterateAll().spliterator(), false).toList();
    } catch (ApiException e) {
      throw RunFailures.map(e, "list revisions", service, "-");
    }
    Comparator<Revision> newest = RevisionHistory.CREATED;
    Optional<Revision> labelled = revisions.stream()
        .filter(r -> b.buildId().equals(r.getLabelsMap().get(BUILD_ID_LABEL))).max(newest);
    Optional<Revision> found = labelled.isPresent() ? labelled : revisions.stream()
        .filter(r -> runsImage(r, b.image(), release.commitSha())).max(newest);
    return found.map(r -> TrafficPlan.shortName(r.getName())).orElseThrow(() ->
        new TransientFailure("build " + b.buildId() + " deployed " + b.service() + " itself,"
            + " but no revision of " + service + " is labelled " + BUILD_ID_LABEL + "="
            + b.buildId() + " or runs " + b.image() + " yet"));
  }

  /**
   * The revision a recorded change of the service created, if it created one. Cloud Run's
   * audit log records every UpdateService, traffic-only ones included; those name the latest
   * revision too, which was created before the call: it is not this change's, and adopting it
   * would take traffic from a revision that has served for days.
   *
   * @param named the revision the log entry named, or null to read the service's latest
   * @param requestedAt when the change was requested
   */
  public Optional<String> createdBy(String region, String service, String named,
      Instant requestedAt) {
    String name = "projects/" + projectId + "/locations/" + region + "/services/" + service;
    try {
      String revision = named != null ? named
          : TrafficPlan.shortName(clients.services().getService(name).getLatestCreatedRevision());
      if (revision.isEmpty()) {
        return Optional.empty();
      }
      Revision r = clients.revisions().getRevision(name + "/revisions/" + revision);
      Instant created = Instant.ofEpochSecond(r.getCreateTime().getSeconds(),
          r.getCreateTime().getNanos());
      return created.isBefore(requestedAt.minus(CLOCK_SKEW)) ? Optional.empty()
          : Optional.of(revision);
    } catch (NotFoundException e) {
      return Optional.empty();
    } catch (ApiException e) {
      throw RunFailures.map(e, "read revision", name, String.valueOf(named));
    }
  }

  /** Between the audit log's request time and Cloud Run's revision create time. */
  private static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

  /** {@code repo@sha256:d} matches {@code repo@sha256:d} and {@code repo:COMMIT_SHA}. */
  static boolean runsImage(Revision r, String builtImage, String commitSha) {
    int at = builtImage.indexOf('@');
    String repository = at < 0 ? builtImage : builtImage.substring(0, at);
    for (Container c : r.getContainersList()) {
      String image = c.getImage();
      if (image.equals(builtImage)) {
        return true;
      }
      if (commitSha != null && !commitSha.isEmpty()
          && image.equals(repository + ":" + commitSha)) {
        return true;
      }
    }
    return false;
  }
}
