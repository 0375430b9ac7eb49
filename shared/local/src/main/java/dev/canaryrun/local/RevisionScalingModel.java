package dev.canaryrun.local;

import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.RevisionScaling;
import com.google.cloud.run.v2.RevisionScalingStatus;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetAllocationType;
import io.grpc.Status;

/**
 * Revision-level scaling as Cloud Run documents it ("Set minimum instances for services"):
 * the settings take effect when the revision is deployed and stay with it (a revision is
 * immutable); a revision's minimum instances are started whenever the revision is referenced
 * in the traffic split, even at 0%, or carries a traffic tag, and not otherwise. So a tagged
 * 0% candidate keeps its warm instances, and a rolled-back one stops them only once it leaves
 * the split and loses its tag. The revision reports what is provisioned in
 * {@code scaling_status.desired_min_instance_count}.
 */
final class RevisionScalingModel {
  /** Cloud Run's per-revision maximum without a quota increase. */
  static final int MAX_INSTANCES = 1000;

  private RevisionScalingModel() {}

  /** Refuses what Cloud Run refuses: counts out of range, a minimum above the maximum. */
  static void validate(RevisionTemplate template) {
    RevisionScaling s = template.getScaling();
    if (s.getMinInstanceCount() < 0 || s.getMinInstanceCount() > MAX_INSTANCES) {
      throw invalid("template.scaling.min_instance_count: " + s.getMinInstanceCount()
          + " must be in 0.." + MAX_INSTANCES);
    }
    if (s.getMaxInstanceCount() < 0 || s.getMaxInstanceCount() > MAX_INSTANCES) {
      throw invalid("template.scaling.max_instance_count: " + s.getMaxInstanceCount()
          + " must be in 0.." + MAX_INSTANCES + " (0: the default, 100)");
    }
    if (s.getMaxInstanceCount() > 0 && s.getMinInstanceCount() > s.getMaxInstanceCount()) {
      throw invalid("template.scaling.min_instance_count (" + s.getMinInstanceCount()
          + ") must not be greater than max_instance_count (" + s.getMaxInstanceCount() + ")");
    }
  }

  /** The revision as Cloud Run reports it: with what is provisioned for it now. */
  static Revision reported(Revision r, LocalRunState state) {
    LocalRunState.ServiceEntry owner = state.services.get(r.getService());
    return owner == null || owner.service == null ? r : withStatus(r, owner.service);
  }

  /** The revision with its provisioned minimum as the service's traffic makes it now. */
  static Revision withStatus(Revision r, Service service) {
    int desired = addressable(r, service) ? r.getScaling().getMinInstanceCount() : 0;
    return r.toBuilder().setScalingStatus(RevisionScalingStatus.newBuilder()
        .setDesiredMinInstanceCount(desired)).build();
  }

  /** In the traffic split (at any percent, LATEST included) or tagged. */
  static boolean addressable(Revision r, Service service) {
    String name = RunNames.shortName(r.getName());
    for (TrafficTarget t : service.getTrafficList()) {
      boolean latest = t.getType()
          == TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST;
      String target = latest ? RunNames.shortName(service.getLatestReadyRevision())
          : RunNames.shortName(t.getRevision());
      if (target.equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static RuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }
}
