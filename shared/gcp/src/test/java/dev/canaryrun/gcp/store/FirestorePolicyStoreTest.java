package dev.canaryrun.gcp.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.firestore.Firestore;
import dev.canaryrun.fixtures.emulator.EmulatorEnvironment;
import dev.canaryrun.fixtures.emulator.WithEmulators;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.port.PermanentFailure;
import dev.canaryrun.port.PolicyStore.WatchedService;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@WithEmulators
class FirestorePolicyStoreTest {
  private Firestore db;

  @BeforeEach
  void connect(EmulatorEnvironment env) {
    db = FirestoreClients.create(env.projectId(), null, env.firestoreHost());
  }

  @AfterEach
  void close() throws Exception {
    db.close();
  }

  @Test
  void readsThePolicyJsonAndRegion() throws Exception {
    put("checkout", "{\"steps\": [{\"percent\": 10, \"minDwellSeconds\": 120}]}", "europe-west1");

    WatchedService watched = new FirestorePolicyStore(db).find("checkout").orElseThrow();

    assertEquals("checkout", watched.service());
    assertEquals("europe-west1", watched.region());
    assertEquals(1, watched.policy().steps().size());
    assertEquals(10, watched.policy().steps().get(0).percent());
  }

  @Test
  void anUnwatchedServiceIsEmpty() {
    assertTrue(new FirestorePolicyStore(db).find("nobody").isEmpty());
  }

  @Test
  void aDocumentWithoutPolicyUsesTheDefaultsAndTheDefaultRegion() throws Exception {
    put("cart", null, null);

    WatchedService watched = new FirestorePolicyStore(db, "us-central1").find("cart").orElseThrow();

    assertEquals(RolloutPolicy.defaults(), watched.policy());
    assertEquals("us-central1", watched.region());
    PermanentFailure noRegion = assertThrows(PermanentFailure.class,
        () -> new FirestorePolicyStore(db).find("cart"));
    assertTrue(noRegion.getMessage().contains("policies/cart.region"), noRegion.getMessage());
  }

  @Test
  void anInvalidPolicyNamesTheServiceAndEveryProblem() throws Exception {
    put("search", "{\"steps\": [{\"percent\": \"ten\", \"minDwellSeconds\": 60}], \"judge\": "
        + "{\"alfa\": 0.1}}", "us-east1");

    PermanentFailure e = assertThrows(PermanentFailure.class,
        () -> new FirestorePolicyStore(db).find("search"));

    assertTrue(e.getMessage().contains("'search'"), e.getMessage());
    assertTrue(e.getMessage().contains("judge.alfa: unknown field"), e.getMessage());
    assertTrue(e.getMessage().contains("steps[0].percent: 'ten' is not a number"), e.getMessage());
  }

  private void put(String service, String policy, String region) throws Exception {
    Map<String, Object> doc = new HashMap<>();
    if (policy != null) {
      doc.put("policy", policy);
    }
    if (region != null) {
      doc.put("region", region);
    }
    db.collection("policies").document(service).set(doc).get();
  }
}
