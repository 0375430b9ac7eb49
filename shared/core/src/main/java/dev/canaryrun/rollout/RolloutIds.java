package dev.canaryrun.rollout;

import java.util.Locale;

/** Deterministic names, so that redelivered build events and retried deploys converge. */
public final class RolloutIds {
  private RolloutIds() {}

  /**
   * The rollout id and the candidate revision name for a build: {@code <service>-<8 chars of
   * the build id>}. Cloud Run revision names must start with the service name and fit a DNS
   * label (63 characters; service names are at most 49).
   */
  public static String forBuild(String service, String buildId) {
    String suffix = buildId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    if (suffix.isEmpty()) {
      throw new IllegalArgumentException("build id '" + buildId + "' has no letters or digits");
    }
    return service + "-" + suffix.substring(0, Math.min(8, suffix.length()));
  }
}
