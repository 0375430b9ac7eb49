package dev.canaryrun.gcp.run;

import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetAllocationType;
import com.google.protobuf.Timestamp;
import dev.canaryrun.port.TrafficRouter.TrafficOverridden;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The split canaryrun last applied, kept on the service itself as an annotation written in the
 * same UpdateService as the traffic. Before each traffic write the router compares the
 * service's traffic with it: a difference canaryrun did not make is an operator's override.
 *
 * <p>Why an annotation and not the etag: {@code Service.etag} is output-only in the v2 API and
 * no public source shows UpdateService refusing a stale one, so a person's {@code gcloud run
 * services update-traffic} between two canaryrun writes cannot be relied on to surface as a
 * conflict. The annotation is compared by value, travels atomically with the traffic it
 * describes, and survives function restarts. The spec ({@code traffic}) is compared, not
 * {@code traffic_statuses}, which are transient while the service reconciles.
 */
final class TrafficBaseline {
  /** Outside the run.googleapis.com / serving.knative.dev namespaces v2 reserves. */
  static final String ANNOTATION = "canaryrun.dev/traffic";

  private static final TrafficTargetAllocationType LATEST =
      TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST;

  private TrafficBaseline() {}

  /** Revision to percent of the targets that carry traffic (LATEST resolved). */
  static Map<String, Integer> split(List<TrafficTarget> targets, String latestReady) {
    Map<String, Integer> out = new TreeMap<>();
    for (TrafficTarget t : targets) {
      String revision = t.getType() == LATEST ? latestReady : TrafficPlan.shortName(t.getRevision());
      if (t.getPercent() > 0) {
        out.merge(revision, t.getPercent(), Integer::sum);
      }
    }
    return out;
  }

  static String encode(Map<String, Integer> split) {
    StringBuilder b = new StringBuilder();
    new TreeMap<>(split).forEach((r, p) -> {
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(r).append('=').append(p);
    });
    return b.toString();
  }

  /** Null when the annotation is absent or unreadable: then there is no baseline to compare. */
  static Map<String, Integer> decode(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    Map<String, Integer> out = new TreeMap<>();
    for (String part : value.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        return null;
      }
      try {
        out.put(part.substring(0, eq), Integer.parseInt(part.substring(eq + 1)));
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return out;
  }

  /** The service with its annotation set to {@code planned}'s split. */
  static Service.Builder record(Service.Builder service, List<TrafficTarget> planned,
      String latestReady) {
    return service.putAnnotations(ANNOTATION, encode(split(planned, latestReady)));
  }

  /**
   * @throws TrafficOverridden when the service's traffic is not what canaryrun last applied.
   *     A service canaryrun never wrote (no annotation) has no baseline: nothing to respect.
   */
  static void check(Service service, String latestReady) {
    Map<String, Integer> applied = decode(service.getAnnotationsMap().get(ANNOTATION));
    if (applied == null) {
      return;
    }
    Map<String, Integer> serving = split(service.getTrafficList(), latestReady);
    if (!applied.equals(serving)) {
      throw new TrafficOverridden(TrafficPlan.shortName(service.getName()), applied, serving,
          service.getLastModifier().isEmpty() ? null : service.getLastModifier(),
          service.hasUpdateTime() ? instant(service.getUpdateTime()) : null);
    }
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
