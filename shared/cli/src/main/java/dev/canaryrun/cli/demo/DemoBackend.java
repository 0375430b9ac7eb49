package dev.canaryrun.cli.demo;

import com.google.cloud.firestore.Firestore;
import dev.canaryrun.emulators.Emulators;
import dev.canaryrun.gcp.store.FirestoreClients;
import dev.canaryrun.gcp.store.FirestoreRolloutStore;
import dev.canaryrun.port.RolloutStore;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Where the controller's state and messages live in the demo: the Firestore and Pub/Sub
 * emulators, through the real adapters, as deployed. The demo reads the rollouts it plays
 * through the same {@link RolloutStore} as the functions, and publishes on the same topics.
 */
final class DemoBackend implements AutoCloseable {
  private final Emulators emulators;
  private final Firestore db;
  private final RolloutStore store;
  private final PubSubEmulatorBus bus;

  private DemoBackend(Emulators emulators, Firestore db, RolloutStore store,
      PubSubEmulatorBus bus) {
    this.emulators = emulators;
    this.db = db;
    this.store = store;
    this.bus = bus;
  }

  /** Writes {@code policies/{service}} as Terraform would, then reads through the adapters. */
  static DemoBackend emulators(Emulators emulators, String projectId, DemoScenario scenario,
      Clock clock) {
    Firestore db = FirestoreClients.create(projectId, null, emulators.firestoreHost());
    try {
      db.collection("policies").document(scenario.service())
          .set(Map.of("policy", scenario.policyJson(), "region", scenario.region())).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing the demo policy", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot write the demo policy to the Firestore emulator at "
          + emulators.firestoreHost() + ": " + e.getCause(), e);
    }
    return new DemoBackend(emulators, db, new FirestoreRolloutStore(db, clock),
        new PubSubEmulatorBus(projectId, emulators.pubsubHost()));
  }

  Emulators emulators() {
    return emulators;
  }

  String describe() {
    return "Firestore emulator at " + emulators.firestoreHost() + ", " + bus.describe();
  }

  RolloutStore store() {
    return store;
  }

  PubSubEmulatorBus bus() {
    return bus;
  }

  @Override
  public void close() {
    bus.close();
    try {
      db.close();
    } catch (Exception e) {
      // closing at exit: nothing left to protect
    }
  }
}
