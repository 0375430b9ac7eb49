package dev.canaryrun.policy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Bake time after 100%: the promoted candidate serves everyone while the previous stable
 * revision is kept addressable (tagged {@code stableTag}), and an alert on the candidate or a
 * 5xx rate above the pre-release baseline rolls back at once. Only then is the rollout done.
 *
 * @param duration zero: no bake, the rollout is PROMOTED as soon as Cloud Run serves 100%
 * @param stableTag the tag the previous stable revision wears from the promotion on; it moves
 *     to the next previous revision at the next promotion, so {@code previous} always names
 *     the revision to go back to ({@code gcloud run services update-traffic --to-tags})
 */
public record BakeSettings(Duration duration, String stableTag) {
  /** A week: longer than any release should stay undecided. */
  public static final Duration MAX = Duration.ofDays(7);

  public BakeSettings {
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(stableTag, "stableTag");
  }

  /** No bake (the default: a rollout ends PROMOTED at 100%, as before bake time existed). */
  public static BakeSettings none() {
    return new BakeSettings(Duration.ZERO, "previous");
  }

  public boolean active() {
    return !duration.isZero();
  }

  void validate(String candidateTag, java.util.regex.Pattern tagForm, List<String> problems) {
    if (duration.isNegative() || duration.compareTo(MAX) > 0) {
      problems.add("bake.durationSeconds: " + duration.toSeconds() + " must be in 0.."
          + MAX.toSeconds());
    }
    if (!tagForm.matcher(stableTag).matches()) {
      problems.add("bake.stableTag: '" + stableTag
          + "' must be lower-case letters, digits and dashes, starting with a letter");
    } else if (stableTag.equals(candidateTag)) {
      problems.add("bake.stableTag: '" + stableTag + "' is the candidateTag; a revision's tag"
          + " names one revision");
    }
  }
}
