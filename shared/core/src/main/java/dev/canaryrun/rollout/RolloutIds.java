package dev.canaryrun.rollout;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** Deterministic names, so that redelivered build events and retried deploys converge. */
public final class RolloutIds {
  private RolloutIds() {}

  private static String sha256Hex(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * The rollout id and the candidate revision name for a build: {@code <service>-<8 chars of
   * the build id>}. Cloud Run revision names must start with the service name and fit a DNS
   * label (63 characters; service names are at most 49).
   */
  public static String forBuild(String service, String buildId) {
    String suffix = buildId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    if (suffix.isEmpty()) {
      // "---" would leave "checkout-", no DNS label; a digest of the id keeps it deterministic
      // (redeliveries converge) without throwing on input a decoder let through.
      suffix = sha256Hex(buildId);
    }
    return service + "-" + suffix.substring(0, Math.min(8, suffix.length()));
  }

  /**
   * The rollout id of a change whose revision is known (a revision the build or a person
   * deployed, adopted): the revision name itself. Every path that sees the change (the build
   * notification, Cloud Run's audit log) resolves to that revision, so they all name the same
   * rollout and one change starts one rollout. Revision names start with the service name and
   * fit a DNS label already.
   */
  public static String forRevision(String service, String revision) {
    if (!revision.startsWith(service + "-")) {
      throw new IllegalArgumentException("revision '" + revision + "' is not a revision of "
          + service);
    }
    return revision;
  }

  /**
   * The id of the rollback drill a drill command starts, and its revision's name:
   * {@code <service>-drill-<7 hex digits of the command's event id>} (at most 63 characters
   * for a 49-character service name), so a redelivered command finds the drill it started
   * and the CLI knows the id from the message id it published.
   */
  public static String forDrill(String service, String eventId) {
    return service + "-drill-" + sha256Hex(eventId).substring(0, 7);
  }

  /** The id a start request gets: by revision when it adopts one, else by build. */
  public static String forStart(RolloutEvent.BuildSucceeded e) {
    return e.adoptRevision() != null ? forRevision(e.service(), e.adoptRevision())
        : forBuild(e.service(), e.buildId());
  }

  /**
   * The rollout of release {@code releaseId} in {@code region}: {@code <releaseId>@<region>}.
   * Deterministic, so the build, its redeliveries, the audit log of each region's deploy and
   * every copy of the release's next step name the same rollout and create it at most once.
   */
  public static String inRelease(String releaseId, String region) {
    return releaseId + "@" + region;
  }
}
