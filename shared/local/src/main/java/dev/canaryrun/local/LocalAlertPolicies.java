package dev.canaryrun.local;

import com.google.monitoring.v3.AlertPolicy;
import com.google.monitoring.v3.AlertPolicyServiceGrpc;
import com.google.monitoring.v3.CreateAlertPolicyRequest;
import com.google.monitoring.v3.DeleteAlertPolicyRequest;
import com.google.monitoring.v3.GetAlertPolicyRequest;
import com.google.monitoring.v3.ListAlertPoliciesRequest;
import com.google.monitoring.v3.ListAlertPoliciesResponse;
import com.google.monitoring.v3.MutationRecord;
import com.google.monitoring.v3.UpdateAlertPolicyRequest;
import com.google.protobuf.Empty;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Pattern;

/**
 * google.monitoring.v3.AlertPolicyService, as Google documents it, for what canaryrun and its
 * tests use: create (the server names the policy {@code projects/P/alertPolicies/ID} and
 * stamps its creation record; a name in the request is an error), get, list (by project,
 * paged, newest names in order), update (the whole policy: no update mask) and delete.
 * Filters and ordering are refused (UNIMPLEMENTED) rather than ignored, so nothing silently
 * gets more policies than it asked for.
 */
public final class LocalAlertPolicies extends AlertPolicyServiceGrpc.AlertPolicyServiceImplBase {
  private static final Pattern PROJECT = Pattern.compile("projects/[^/]+");
  private static final Pattern POLICY = Pattern.compile("(projects/[^/]+)/alertPolicies/[^/]+");

  private final Map<String, AlertPolicy> policies = new ConcurrentSkipListMap<>();
  private final Clock clock;

  LocalAlertPolicies(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void createAlertPolicy(CreateAlertPolicyRequest r, StreamObserver<AlertPolicy> out) {
    Unary.answer(out, () -> {
      project(r.getName());
      if (!r.getAlertPolicy().getName().isEmpty()) {
        throw new IllegalArgumentException("alert_policy.name must be empty on create: the"
            + " server names the policy");
      }
      if (r.getAlertPolicy().getDisplayName().isEmpty()) {
        throw new IllegalArgumentException("alert_policy.display_name is required");
      }
      String name = r.getName() + "/alertPolicies/" + UUID.randomUUID().toString()
          .replace("-", "").substring(0, 16);
      MutationRecord created = MutationRecord.newBuilder().setMutateTime(now())
          .setMutatedBy("local").build();
      AlertPolicy p = r.getAlertPolicy().toBuilder().setName(name).setCreationRecord(created)
          .setMutationRecord(created).build();
      policies.put(name, p);
      return p;
    });
  }

  @Override
  public void getAlertPolicy(GetAlertPolicyRequest r, StreamObserver<AlertPolicy> out) {
    Unary.answer(out, () -> find(r.getName()));
  }

  @Override
  public void listAlertPolicies(ListAlertPoliciesRequest r,
      StreamObserver<ListAlertPoliciesResponse> out) {
    Unary.answer(out, () -> {
      project(r.getName());
      if (!r.getFilter().isEmpty() || !r.getOrderBy().isEmpty()) {
        throw Status.UNIMPLEMENTED.withDescription("the local Monitoring does not filter or"
            + " order alert policies").asRuntimeException();
      }
      List<AlertPolicy> mine = new ArrayList<>();
      for (AlertPolicy p : policies.values()) {
        if (p.getName().startsWith(r.getName() + "/")) {
          mine.add(p);
        }
      }
      int start = Unary.pageStart(r.getPageToken());
      int end = Math.min(mine.size(), start + Unary.pageSize(r.getPageSize(), 100));
      ListAlertPoliciesResponse.Builder b = ListAlertPoliciesResponse.newBuilder()
          .setTotalSize(mine.size());
      if (start < end) {
        b.addAllAlertPolicies(mine.subList(start, end));
      }
      if (end < mine.size()) {
        b.setNextPageToken(Integer.toString(end));
      }
      return b.build();
    });
  }

  @Override
  public void updateAlertPolicy(UpdateAlertPolicyRequest r, StreamObserver<AlertPolicy> out) {
    Unary.answer(out, () -> {
      if (r.hasUpdateMask() && r.getUpdateMask().getPathsCount() > 0) {
        throw Status.UNIMPLEMENTED.withDescription("the local Monitoring replaces whole alert"
            + " policies (no update_mask)").asRuntimeException();
      }
      AlertPolicy old = find(r.getAlertPolicy().getName());
      AlertPolicy p = r.getAlertPolicy().toBuilder().setCreationRecord(old.getCreationRecord())
          .setMutationRecord(MutationRecord.newBuilder().setMutateTime(now())
              .setMutatedBy("local")).build();
      policies.put(p.getName(), p);
      return p;
    });
  }

  @Override
  public void deleteAlertPolicy(DeleteAlertPolicyRequest r, StreamObserver<Empty> out) {
    Unary.answer(out, () -> {
      find(r.getName());
      policies.remove(r.getName());
      return Empty.getDefaultInstance();
    });
  }

  private AlertPolicy find(String name) {
    if (!POLICY.matcher(name).matches()) {
      throw new IllegalArgumentException("'" + name + "' is not an alert policy name"
          + " (projects/PROJECT/alertPolicies/ID)");
    }
    AlertPolicy p = policies.get(name);
    if (p == null) {
      throw Status.NOT_FOUND.withDescription("alert policy " + name + " not found")
          .asRuntimeException();
    }
    return p;
  }

  private static void project(String name) {
    if (!PROJECT.matcher(name).matches()) {
      throw new IllegalArgumentException("'" + name + "' is not a project name (projects/ID)");
    }
  }

  private Timestamp now() {
    Instant t = clock.instant();
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
