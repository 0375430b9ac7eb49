package dev.canaryrun.gcp.drill;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.TrafficTargetAllocationType;
import com.google.cloud.run.v2.TrafficTargetStatus;
import com.google.iam.v1.TestIamPermissionsRequest;
import com.google.iam.v1.TestIamPermissionsResponse;
import dev.canaryrun.gcp.run.CloudRunClients;
import dev.canaryrun.port.DrillProbe;
import dev.canaryrun.port.PermanentFailure;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.report.DrillReport;
import dev.canaryrun.rollout.DrillCheck;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * {@link DrillProbe} on Cloud Run Admin v2 and Cloud Monitoring v3: the serving revision and
 * its image (GetService, GetRevision), the function's own permissions on the service
 * (TestIamPermissions: it answers the subset of the asked permissions the caller holds, and
 * needs no permission itself), the alert policies ({@link AlertPolicyCheck}), and what the
 * service serves after a drill (its traffic statuses and the time its Ready condition last
 * changed, which is when Cloud Run finished serving the split).
 */
public final class CloudDrillProbe implements DrillProbe {
  /**
   * What the traffic router calls on a service (get it, write its traffic). Revisions and
   * operations are permissions of other resources and cannot be tested on the service;
   * actAs (needed to deploy) is tested by the drill's deploy itself.
   */
  public static final List<String> ROUTER_PERMISSIONS = List.of("run.services.get",
      "run.services.update");

  private final CloudRunClients run;
  private final String project;
  private final AlertPolicyCheck alerts;
  private final Clock clock;

  public CloudDrillProbe(CloudRunClients run, String project, AlertPolicyCheck alerts,
      Clock clock) {
    this.run = Objects.requireNonNull(run, "run");
    this.project = Objects.requireNonNull(project, "project");
    this.alerts = Objects.requireNonNull(alerts, "alerts");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  private String name(String service, String region) {
    return "projects/" + project + "/locations/" + region + "/services/" + service;
  }

  @Override
  public Stable stable(String service, String region) {
    Service s = get(service, region);
    Map<String, Integer> split = split(s);
    if (split.size() != 1 || !split.containsValue(100)) {
      throw new PermanentFailure("service " + service + " serves " + split + ", not one revision"
          + " at 100%: a drill rolls out the stable image of a service at rest");
    }
    String revision = split.keySet().iterator().next();
    try {
      Revision r = run.revisions().getRevision(name(service, region) + "/revisions/" + revision);
      if (r.getContainersCount() == 0) {
        throw new PermanentFailure("revision " + revision + " has no container image");
      }
      return new Stable(revision, r.getContainers(0).getImage());
    } catch (ApiException e) {
      throw failure(e, "GetRevision " + revision);
    }
  }

  @Override
  public List<DrillCheck> preflight(String service, String region) {
    List<DrillCheck> checks = new ArrayList<>();
    checks.add(permissions(service, region));
    checks.add(alerts.check(service));
    return checks;
  }

  private DrillCheck permissions(String service, String region) {
    Instant at = clock.instant();
    try {
      TestIamPermissionsResponse held = run.services().testIamPermissions(
          TestIamPermissionsRequest.newBuilder().setResource(name(service, region))
              .addAllPermissions(ROUTER_PERMISSIONS).build());
      TreeSet<String> missing = new TreeSet<>(ROUTER_PERMISSIONS);
      missing.removeAll(held.getPermissionsList());
      return missing.isEmpty()
          ? DrillCheck.pass(DrillReport.PERMISSIONS, "the controller holds "
              + ROUTER_PERMISSIONS + " on " + service + " (Cloud Run testIamPermissions)", at)
          : DrillCheck.fail(DrillReport.PERMISSIONS, "the controller lacks " + missing + " on "
              + service + " (Cloud Run testIamPermissions): a rollback would be refused", at);
    } catch (ApiException e) {
      return DrillCheck.fail(DrillReport.PERMISSIONS, "testIamPermissions on " + service
          + " failed: " + e.getStatusCode().getCode() + ": " + e.getMessage(), at);
    }
  }

  @Override
  public DrillReport.Served served(String service, String region, String revision) {
    Service s = get(service, region);
    Map<String, Integer> split = split(s);
    int percent = split.getOrDefault(revision, 0);
    Condition ready = s.getTerminalCondition();
    boolean settled = !s.getReconciling()
        && ready.getState() == Condition.State.CONDITION_SUCCEEDED;
    Instant at = settled && ready.hasLastTransitionTime()
        ? Instant.ofEpochSecond(ready.getLastTransitionTime().getSeconds(),
            ready.getLastTransitionTime().getNanos())
        : null;
    return new DrillReport.Served(percent, at, "Cloud Run serves " + split
        + (at == null ? ", not settled yet" : ", Ready since " + at));
  }

  private Service get(String service, String region) {
    try {
      return run.services().getService(name(service, region));
    } catch (ApiException e) {
      throw failure(e, "GetService " + service);
    }
  }

  /** Revision (short name) to percent, LATEST resolved to the latest ready revision. */
  private static Map<String, Integer> split(Service s) {
    Map<String, Integer> out = new LinkedHashMap<>();
    String latest = shortName(s.getLatestReadyRevision());
    for (TrafficTargetStatus t : s.getTrafficStatusesList()) {
      String revision = t.getType()
          == TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST
          ? latest : shortName(t.getRevision());
      if (t.getPercent() > 0) {
        out.merge(revision, t.getPercent(), Integer::sum);
      }
    }
    return out;
  }

  private static String shortName(String name) {
    return name.substring(name.lastIndexOf('/') + 1);
  }

  private static RuntimeException failure(ApiException e, String what) {
    String message = "Cloud Run " + what + " failed: " + e.getStatusCode().getCode() + ": "
        + e.getMessage();
    return switch (e.getStatusCode().getCode()) {
      case NOT_FOUND, PERMISSION_DENIED, INVALID_ARGUMENT -> new PermanentFailure(message, e);
      default -> new TransientFailure(message, e);
    };
  }
}
