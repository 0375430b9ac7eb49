package dev.canaryrun.gcp.run;

import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.RevisionScaling;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.TrafficTargetStatus;
import dev.canaryrun.policy.CandidateScaling;
import dev.canaryrun.port.PermanentFailure;
import dev.canaryrun.rollout.Effect.DeployRevision;
import java.net.URI;
import java.util.Optional;

/** The router's pure helpers about revisions: templates, image checks, tag URLs. */
final class Revisions {
  private Revisions() {}

  static RevisionTemplate withImage(RevisionTemplate template, String revision,
      String image, String service) {
    if (template.getContainersCount() == 0) {
      throw new PermanentFailure("service " + service + " has no container in its template; "
          + "cannot deploy revision " + revision);
    }
    int ingress = 0;
    for (int i = 0; i < template.getContainersCount(); i++) {
      // With sidecars, the serving (ingress) container is the one that declares a port.
      if (template.getContainers(i).getPortsCount() > 0) {
        ingress = i;
        break;
      }
    }
    Container c = template.getContainers(ingress).toBuilder().setImage(image).build();
    return template.toBuilder().setRevision(revision).setContainers(ingress, c).build();
  }

  /**
   * The template with the policy's candidate scaling over the stable's: revision-level
   * scaling ({@code RevisionTemplate.scaling}) is the only kind that is the candidate's own
   * (service-level scaling is shared among the revisions by their traffic share).
   */
  static RevisionTemplate withScaling(RevisionTemplate template, CandidateScaling scaling) {
    if (!scaling.sets()) {
      return template;
    }
    RevisionScaling.Builder b = template.getScaling().toBuilder();
    if (scaling.minInstances() != null) {
      b.setMinInstanceCount(scaling.minInstances());
    }
    if (scaling.maxInstances() != null) {
      b.setMaxInstanceCount(scaling.maxInstances());
    }
    return template.toBuilder().setScaling(b).build();
  }

  /** "min 0, max 100" as Cloud Run applies them (an unset maximum is its default, 100). */
  static String describe(RevisionScaling s) {
    return "min " + s.getMinInstanceCount() + ", max "
        + (s.getMaxInstanceCount() == 0 ? DEFAULT_MAX_INSTANCES + " (Cloud Run's default)"
            : s.getMaxInstanceCount());
  }

  /** Cloud Run's server default for an unset {@code max_instance_count}. */
  static final int DEFAULT_MAX_INSTANCES = 100;

  /** Whether the revision's scaling is what the policy asked for. */
  static boolean matches(RevisionScaling s, CandidateScaling wanted) {
    return (wanted.minInstances() == null || wanted.minInstances() == s.getMinInstanceCount())
        && (wanted.maxInstances() == null || wanted.maxInstances() == s.getMaxInstanceCount());
  }

  static void checkImage(DeployRevision request, String name, Revision existing) {
    if (request.adopt() || request.image() == null || request.image().isEmpty()) {
      return;
    }
    boolean same = existing.getContainersList().stream()
        .anyMatch(c -> c.getImage().equals(request.image()));
    if (!same) {
      throw new PermanentFailure("revision " + request.revision() + " of service " + name
          + " already exists with another image ("
          + existing.getContainersList().stream().map(Container::getImage).toList()
          + ", wanted " + request.image() + ")");
    }
  }

  /** What the service serves (traffic_statuses, LATEST resolved to {@code latest}). */
  static CloudRunTrafficRouter.ServiceTraffic served(Service s, String latest) {
    java.util.Map<String, Integer> percents = new java.util.LinkedHashMap<>();
    java.util.Map<String, String> tags = new java.util.LinkedHashMap<>();
    java.util.Map<String, String> urls = new java.util.LinkedHashMap<>();
    for (TrafficTargetStatus t : s.getTrafficStatusesList()) {
      String revision = t.getType() == com.google.cloud.run.v2.TrafficTargetAllocationType
          .TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST ? latest : TrafficPlan.shortName(t.getRevision());
      if (t.getPercent() > 0) {
        percents.merge(revision, t.getPercent(), Integer::sum);
      }
      if (!t.getTag().isEmpty()) {
        tags.put(t.getTag(), revision);
        if (!t.getUri().isEmpty()) {
          urls.put(t.getTag(), t.getUri());
        }
      }
    }
    return new CloudRunTrafficRouter.ServiceTraffic(percents, tags, urls);
  }

  /** The tag's URL as Cloud Run reports it, else derived: https://TAG---SERVICE-HOST. */
  static String tagUrl(Service s, String tag) {
    for (TrafficTargetStatus t : s.getTrafficStatusesList()) {
      if (t.getTag().equals(tag) && !t.getUri().isEmpty()) {
        return t.getUri();
      }
    }
    if (s.getUri().isEmpty()) {
      return "";
    }
    URI u = URI.create(s.getUri());
    return u.getScheme() + "://" + tag + "---" + u.getAuthority();
  }

  /**
   * The candidate's scaling in words, when the policy sets some. Revision-level scaling takes
   * effect when a revision is deployed and revisions are immutable, so it is the candidate's
   * only when canaryrun created it; an existing revision keeps what it was deployed with.
   */
  static String scalingNote(DeployRevision request, String candidate, boolean created,
      RevisionScaling stableScaling, Optional<Revision> existing) {
    if (!request.scaling().sets()) {
      return null;
    }
    String wanted = "candidate scaling " + request.scaling().describe();
    String stable = "stable: " + Revisions.describe(stableScaling);
    if (created) {
      return wanted + " set on " + candidate + " (" + stable + ")";
    }
    if (existing.isPresent() && Revisions.matches(existing.get().getScaling(), request.scaling())) {
      return wanted + " set on " + candidate;
    }
    return wanted + " not applied: " + candidate + " already existed"
        + existing.map(r -> " with " + Revisions.describe(r.getScaling())).orElse("")
        + " (deployed " + (request.adopt() ? "by its build" : "before this rollout")
        + "), and a Cloud Run revision's scaling cannot change after it is deployed";
  }
}
