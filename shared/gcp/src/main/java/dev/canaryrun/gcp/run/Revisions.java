package dev.canaryrun.gcp.run;

import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.TrafficTargetStatus;
import dev.canaryrun.port.PermanentFailure;
import dev.canaryrun.rollout.Effect.DeployRevision;
import java.net.URI;

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
}
