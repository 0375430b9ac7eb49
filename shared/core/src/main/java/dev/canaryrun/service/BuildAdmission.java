package dev.canaryrun.service;

import dev.canaryrun.policy.ReleaseRules;
import dev.canaryrun.port.PolicyStore.WatchedService;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import java.util.Objects;

/**
 * Whether a successful build of a watched service may start a rollout, before anything is
 * deployed: the policy's region is the region (a build naming another one is refused; one
 * naming none deploys to the policy's, never to the function's default), and the policy's
 * release rules say who may release the service. Pure: the engine calls {@link #admit} once
 * it has the service's policy, and audits a refusal.
 */
public sealed interface BuildAdmission {

  /** @param build the build with its region resolved to the watched service's */
  record Admitted(BuildSucceeded build) implements BuildAdmission {}

  /** @param problem why, naming the field and what the policy allows */
  record Refused(String problem) implements BuildAdmission {}

  /** The build id of a start reported by Cloud Run's audit log rather than by a build. */
  String HAND_DEPLOYED = "audit-log:";

  static BuildAdmission admit(WatchedService watched, BuildSucceeded build) {
    Objects.requireNonNull(watched, "watched");
    Objects.requireNonNull(build, "build");
    var plan = watched.policy().regions();
    if (plan.spansRegions()) {
      if (build.region() != null && !plan.regions().contains(build.region())) {
        return new Refused("build " + build.buildId() + " deploys " + build.service() + " to "
            + build.region() + " but the service's policy releases it in " + plan.regions()
            + ": refused (fix _DEPLOY_REGION or the policy's regions)");
      }
      if (build.region() == null && build.adoptRevision() != null) {
        return new Refused("build " + build.buildId() + " made revision "
            + build.adoptRevision() + " but names no region, and " + build.service()
            + " runs in " + plan.regions() + ": refused (set _DEPLOY_REGION)");
      }
    } else if (build.region() != null && !build.region().equals(watched.region())) {
      return new Refused("build " + build.buildId() + " deploys " + build.service() + " to "
          + build.region() + " but the service's policy watches it in " + watched.region()
          + ": refused (fix _DEPLOY_REGION or the policy's region)");
    }
    ReleaseRules rules = watched.policy().release();
    if (build.buildId().startsWith(HAND_DEPLOYED)) {
      // No build ran: Cloud Run's audit log reported a revision made in the service's own
      // project (the console, gcloud run deploy). Build projects and triggers say nothing about
      // it; the image it runs must still come from where the policy allows.
      rules = new ReleaseRules(rules.imagePrefixes(), java.util.List.of(), java.util.List.of());
    }
    return rules.check(build.image(), build.buildProject(), build.triggerId())
        .<BuildAdmission>map(p -> new Refused("build " + build.buildId() + " may not release "
            + build.service() + ": " + p))
        .orElseGet(() -> new Admitted(plan.spansRegions() ? build
            : build.inRegion(watched.region())));
  }
}
