package dev.canaryrun.service;

/**
 * The ids of the events canaryrun makes itself, each derived from the event that caused it.
 * They are idempotency keys: a redelivery of the cause yields the same follow-up ids, so its
 * follow-ups are deduplicated by the store like any event. The forms are stored in processed
 * event records, so they must not change between versions.
 */
final class FollowUpIds {
  private FollowUpIds() {}

  /** Cloud Run reported the candidate deployed (or adopted). */
  static String deployed(String cause) {
    return cause + "/deployed";
  }

  static String deployFailed(String cause) {
    return cause + "/deploy-failed";
  }

  /** The smoke check's result, passed or failed. */
  static String smoke(String cause) {
    return cause + "/smoke";
  }

  /** Cloud Run confirmed the split that gives the candidate {@code percent}. */
  static String applied(String cause, int percent) {
    return cause + "/applied-" + percent;
  }

  /**
   * A pending intent re-applied on behalf of {@code cause}; the rollout's version keeps two
   * re-drives of different intents by the same event apart.
   */
  static String redrive(String cause, long version) {
    return cause + "/redrive-v" + version;
  }

  /** Cloud Run serving a split someone else made, found when writing ours. */
  static String overridden(String cause) {
    return cause + "/overridden";
  }

  /** What Cloud Run was seen serving after the rollout ended. */
  static String observed(String cause) {
    return cause + "/observed";
  }

  /** The in-flight rollout stepping aside for the rollout of a newer build. */
  static String supersede(String buildEventId) {
    return buildEventId + "/supersede";
  }

  /**
   * A release across regions telling a region it stopped: one id per release, so every copy
   * of the stop (a duplicate ask, a tick's safety net) is the same event on each rollout.
   */
  static String releaseStop(String releaseId) {
    return "release:" + releaseId + "/stop";
  }

  /** A release's regions in flight stepping aside for a newer release. */
  static String releaseAside(String releaseId) {
    return "release:" + releaseId + "/aside";
  }

  /** The start of wave {@code wave} (0 first) of a release: its rollouts' creating event. */
  static String releaseWave(String releaseId, int wave) {
    return "release:" + releaseId + "/wave-" + (wave + 1);
  }
}
