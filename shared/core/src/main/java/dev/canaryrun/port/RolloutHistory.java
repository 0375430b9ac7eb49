package dev.canaryrun.port;

import dev.canaryrun.rollout.Rollout;
import java.util.List;

/**
 * Reads for people, not for decisions: which services canaryrun knows and their past
 * rollouts. The controller never needs them (it works from {@link RolloutStore}'s pointers and
 * active list); the CLI's {@code status} and {@code history} do.
 */
public interface RolloutHistory {
  /** Every service with a policy or a rollout, sorted by name. */
  List<String> services();

  /** The service's rollouts, newest first, at most {@code limit}. */
  List<Rollout> ofService(String service, int limit);
}
