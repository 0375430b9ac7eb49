package dev.canaryrun.functions;

import dev.canaryrun.gcp.decode.BuildRelease;
import dev.canaryrun.gcp.run.CloudRunRevisionLocator;
import dev.canaryrun.port.PermanentFailure;
import java.time.Instant;
import java.util.Optional;

/**
 * Finds revisions that were made outside canaryrun (Cloud Run names them; the build
 * notification or audit log entry may not): {@link CloudRunRevisionLocator} in production.
 */
public interface DeployedRevisions {
  /** @return the revision's short name; throws TransientFailure while it does not exist yet */
  String deployedBy(BuildRelease release);

  /** The revision a recorded change created, if it created one (see the locator). */
  Optional<String> createdBy(String region, String service, String named, Instant requestedAt);

  static DeployedRevisions of(CloudRunRevisionLocator locator) {
    return new DeployedRevisions() {
      @Override
      public String deployedBy(BuildRelease release) {
        return locator.deployedBy(release);
      }

      @Override
      public Optional<String> createdBy(String region, String service, String named,
          Instant requestedAt) {
        return locator.createdBy(region, service, named, requestedAt);
      }
    };
  }

  /** For controllers without Cloud Run: refuses, naming the change. */
  DeployedRevisions NONE = new DeployedRevisions() {
    @Override
    public String deployedBy(BuildRelease r) {
      throw new PermanentFailure("build " + r.event().buildId() + " deployed "
          + r.event().service() + " itself and this controller cannot look up revisions");
    }

    @Override
    public Optional<String> createdBy(String region, String service, String named,
        Instant requestedAt) {
      throw new PermanentFailure("a change of " + service + " was recorded and this "
          + "controller cannot look up revisions");
    }
  };
}
