package dev.canaryrun.port;

import dev.canaryrun.policy.RolloutPolicy;
import java.util.Optional;

/** The watched services and their rollout policies ({@code policies/{service}}). */
public interface PolicyStore {
  /** Empty when the service is not watched by canaryrun. */
  Optional<WatchedService> find(String service);

  record WatchedService(String service, String region, RolloutPolicy policy) {}
}
