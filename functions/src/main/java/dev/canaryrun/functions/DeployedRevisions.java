package dev.canaryrun.functions;

import dev.canaryrun.gcp.decode.BuildRelease;

/**
 * Finds the revision a build deployed itself (Cloud Run names it, the build notification
 * cannot): {@code CloudRunRevisionLocator} in production, anything in tests.
 */
@FunctionalInterface
public interface DeployedRevisions {
  /** @return the revision's short name; throws TransientFailure while it does not exist yet */
  String deployedBy(BuildRelease release);

  /** For controllers without Cloud Run: refuses, naming the build. */
  DeployedRevisions NONE = r -> {
    throw new dev.canaryrun.port.PermanentFailure("build " + r.event().buildId()
        + " deployed " + r.event().service() + " itself and this controller cannot look up "
        + "Cloud Run revisions");
  };
}
