package dev.canaryrun.gcp.store;

import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import dev.canaryrun.policy.InvalidPolicyException;
import dev.canaryrun.policy.PolicyJson;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.port.PermanentFailure;
import dev.canaryrun.port.PolicyStore;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link PolicyStore} on {@code policies/{service}} (written by Terraform): field {@code policy}
 * holds the policy JSON, field {@code region} the service's Cloud Run region.
 */
public final class FirestorePolicyStore implements PolicyStore {
  static final String POLICIES = "policies";

  private final Firestore db;
  private final String defaultRegion;

  /**
   * @param defaultRegion the region of services whose document names none (CANARYRUN_REGION);
   *     null to require a region on every policy document
   */
  public FirestorePolicyStore(Firestore db, String defaultRegion) {
    this.db = Objects.requireNonNull(db, "db");
    this.defaultRegion = defaultRegion == null || defaultRegion.isBlank() ? null : defaultRegion;
  }

  public FirestorePolicyStore(Firestore db) {
    this(db, null);
  }

  @Override
  public Optional<WatchedService> find(String service) {
    String path = POLICIES + "/" + service;
    DocumentSnapshot doc = FirestoreCalls.await("read " + path,
        db.collection(POLICIES).document(service).get());
    if (!doc.exists()) {
      return Optional.empty();
    }
    Fields f = new Fields(doc.getData(), path);
    RolloutPolicy policy;
    String region;
    try {
      policy = PolicyJson.parse(f.optString("policy"));
      region = f.optString("region");
    } catch (InvalidPolicyException e) {
      throw new PermanentFailure("the rollout policy of service '" + service + "' (" + path
          + ".policy) is invalid: " + String.join("; ", e.problems()), e);
    } catch (IllegalStateException e) {
      throw new PermanentFailure("the policy document of service '" + service + "' is unreadable: "
          + e.getMessage(), e);
    }
    if (region == null || region.isBlank()) {
      if (defaultRegion == null) {
        throw new PermanentFailure("service '" + service + "' has no region: set " + path
            + ".region (or CANARYRUN_REGION)");
      }
      region = defaultRegion;
    }
    return Optional.of(new WatchedService(service, region, policy));
  }
}
