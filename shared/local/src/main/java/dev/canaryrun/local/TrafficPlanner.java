package dev.canaryrun.local;

import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetAllocationType;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates a service's traffic block the way Cloud Run does and turns it into a
 * {@link RoutingTable}. Pure: no state, no I/O.
 */
final class TrafficPlanner {

  /** Traffic as stored (types explicit, revision names short) and as routed. */
  record Plan(List<TrafficTarget> targets, RoutingTable table) {
    Plan {
      targets = List.copyOf(targets);
    }
  }

  // Cloud Run tags are DNS labels that end up as "tag---service" host prefixes.
  private static final Pattern TAG = Pattern.compile("[a-z]([-a-z0-9]{0,44}[a-z0-9])?");

  private TrafficPlanner() {}

  /**
   * @param service short service name, for messages
   * @param requested the traffic block of the request; empty means 100% to the latest
   * @param revisions short names of the service's revisions
   * @param latest short name of the latest created revision
   */
  static Plan plan(String service, List<TrafficTarget> requested, Set<String> revisions,
      String latest) {
    List<TrafficTarget> targets = requested.isEmpty()
        ? List.of(TrafficTarget.newBuilder()
            .setType(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST)
            .setPercent(100).build())
        : requested;
    List<TrafficTarget> normalized = new ArrayList<>();
    Map<String, Integer> percentByRevision = new LinkedHashMap<>();
    Map<String, String> tags = new HashMap<>();
    int sum = 0;
    for (int i = 0; i < targets.size(); i++) {
      TrafficTarget t = targets.get(i);
      String where = "traffic[" + i + "]";
      TrafficTargetAllocationType type = t.getType();
      String revision = RunNames.shortName(t.getRevision());
      if (type == TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_UNSPECIFIED
          || type == TrafficTargetAllocationType.UNRECOGNIZED) {
        if (revision.isEmpty()) {
          throw invalid(where + ": type is unspecified and no revision is named");
        }
        type = TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION;
      }
      String resolved;
      if (type == TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST) {
        if (!revision.isEmpty()) {
          throw invalid(where + ": a LATEST target must not name a revision (got '"
              + revision + "')");
        }
        if (latest == null) {
          throw invalid(where + ": LATEST but service " + service + " has no revision");
        }
        resolved = latest;
      } else {
        if (revision.isEmpty()) {
          throw invalid(where + ": a REVISION target must name a revision");
        }
        if (!revisions.contains(revision)) {
          throw invalid(where + ": revision '" + revision + "' does not exist in service "
              + service);
        }
        resolved = revision;
      }
      if (t.getPercent() < 0 || t.getPercent() > 100) {
        throw invalid(where + ": percent must be in [0, 100], got " + t.getPercent());
      }
      sum += t.getPercent();
      if (t.getPercent() > 0) {
        percentByRevision.merge(resolved, t.getPercent(), Integer::sum);
      }
      String tag = t.getTag();
      if (!tag.isEmpty()) {
        if (!TAG.matcher(tag).matches()) {
          throw invalid(where + ": tag '" + tag + "' must be lowercase letters, digits and "
              + "dashes, start with a letter, end with a letter or digit, at most 46 chars");
        }
        if (tags.put(tag, resolved) != null) {
          throw invalid(where + ": tag '" + tag + "' is used more than once");
        }
      }
      normalized.add(t.toBuilder().setType(type).setRevision(
          type == TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST
              ? "" : revision).build());
    }
    if (sum != 100) {
      throw invalid("traffic percents must sum to 100, got " + sum);
    }
    List<RoutingTable.Split> split = new ArrayList<>();
    percentByRevision.forEach((r, p) -> split.add(new RoutingTable.Split(r, p)));
    return new Plan(normalized, new RoutingTable(split, tags));
  }

  private static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }
}
