package dev.canaryrun.memory;

import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.port.PolicyStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Watched services in memory (tests, demo without Firestore). */
public final class InMemoryPolicyStore implements PolicyStore {
  private final Map<String, WatchedService> services = new ConcurrentHashMap<>();

  public InMemoryPolicyStore watch(String service, String region, RolloutPolicy policy) {
    services.put(service, new WatchedService(service, region, policy));
    return this;
  }

  @Override
  public Optional<WatchedService> find(String service) {
    return Optional.ofNullable(services.get(service));
  }
}
