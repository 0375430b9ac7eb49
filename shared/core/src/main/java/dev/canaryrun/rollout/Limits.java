package dev.canaryrun.rollout;

/**
 * Bounds on what a rollout document stores (docs/CONTRACT.md "Bounds"). A Firestore document
 * holds at most 1 MiB; without these, a dozen alerts with huge incident ids filled one and every
 * later save (a rollback included) failed with INVALID_ARGUMENT (issue 11, defect 6). The
 * decoders enforce the string bounds on input; the machine enforces the set's.
 */
public final class Limits {
  /** Monitoring's ids look like {@code 0.mp9ojt5e6800}; anything longer is not one. */
  public static final int MAX_INCIDENT_ID = 128;
  /** Monitoring's policy display names are at most 512 characters; cut to this. */
  public static final int MAX_POLICY_NAME = 256;
  /** Incident summaries are free text; cut to this, never rejected (an alert must land). */
  public static final int MAX_SUMMARY = 512;
  /** Open incidents on the stable revision remembered; beyond it progress holds anyway. */
  public static final int MAX_STABLE_INCIDENTS = 20;
  public static final int MAX_REASON = 1000;
  public static final int MAX_ACTOR = 254;
  /** {@code host/path/name@sha256:<64 hex>}; Artifact Registry paths are far shorter. */
  public static final int MAX_IMAGE = 512;
  public static final int MAX_BUILD_ID = 128;

  private Limits() {}

  /** True when one more open stable incident may be recorded next to {@code open} of them. */
  public static boolean roomForStableIncident(int open) {
    return open < MAX_STABLE_INCIDENTS;
  }
}
