package dev.canaryrun.port;

import dev.canaryrun.rollout.Rollout;
import java.util.Objects;

/**
 * What a {@link RolloutStore#save} did, and on success the rollout exactly as stored (its new
 * version and the store's update time), so the caller never predicts either.
 */
public record SaveOutcome(SaveResult result, Rollout stored) {
  public SaveOutcome {
    Objects.requireNonNull(result, "result");
    if ((result == SaveResult.SAVED) != (stored != null)) {
      throw new IllegalArgumentException("a stored rollout comes with SAVED, and only with it");
    }
  }

  public static SaveOutcome saved(Rollout stored) {
    return new SaveOutcome(SaveResult.SAVED, stored);
  }

  public static final SaveOutcome DUPLICATE = new SaveOutcome(SaveResult.DUPLICATE, null);
  public static final SaveOutcome CONFLICT = new SaveOutcome(SaveResult.CONFLICT, null);
  public static final SaveOutcome BUSY = new SaveOutcome(SaveResult.BUSY, null);
}
