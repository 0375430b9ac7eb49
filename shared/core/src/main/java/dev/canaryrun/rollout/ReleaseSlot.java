package dev.canaryrun.rollout;

import java.util.Objects;

/**
 * Where a rollout sits in a release across regions.
 *
 * @param releaseId the release: the id one change's rollout would have in one region (by
 *     revision when adopted, else by build), so every path that sees the change names it
 * @param wave 0 for the first wave
 * @param adoptHere the change made its revision in this region (it is adopted here and
 *     deployed under the same name everywhere else)
 */
public record ReleaseSlot(String releaseId, int wave, boolean adoptHere) {
  public ReleaseSlot {
    Objects.requireNonNull(releaseId, "releaseId");
    if (wave < 0) {
      throw new IllegalArgumentException("wave " + wave);
    }
  }
}
