package dev.canaryrun.cli.demo;

import com.google.cloud.firestore.Firestore;
import dev.canaryrun.fixtures.emulator.Emulators;
import dev.canaryrun.gcp.pubsub.PubSubClients;
import dev.canaryrun.gcp.pubsub.PubSubEventPublisher;
import dev.canaryrun.gcp.store.FirestoreClients;
import dev.canaryrun.gcp.store.FirestorePolicyStore;
import dev.canaryrun.gcp.store.FirestoreRolloutStore;
import dev.canaryrun.memory.InMemoryPolicyStore;
import dev.canaryrun.memory.InMemoryRolloutStore;
import dev.canaryrun.policy.PolicyJson;
import dev.canaryrun.port.EventPublisher;
import dev.canaryrun.port.PolicyStore;
import dev.canaryrun.port.RolloutStore;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;

/**
 * Where the controller's state and messages live in the demo: the Firestore and Pub/Sub
 * emulators (the real adapters, as deployed), or, when the emulators are not installed or
 * {@code --in-memory} is given, the in-memory store and an in-process bus.
 */
final class DemoBackend implements AutoCloseable {
  private final String description;
  private final RolloutStore store;
  private final PolicyStore policies;
  private final EventPublisher publisher;
  private final MessageBus bus;
  private final AutoCloseable resources;
  private final Emulators emulators;

  private DemoBackend(String description, RolloutStore store, PolicyStore policies,
      EventPublisher publisher, MessageBus bus, AutoCloseable resources, Emulators emulators) {
    this.emulators = emulators;
    this.description = description;
    this.store = store;
    this.policies = policies;
    this.publisher = publisher;
    this.bus = bus;
    this.resources = resources;
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
    PubSubClients clients = PubSubClients.emulator(projectId, emulators.pubsubHost());
    PubSubEventPublisher publisher =
        new PubSubEventPublisher(clients, Topics.EVENTS, Topics.TICKS, clock);
    MessageBus bus = new PubSubEmulatorBus(projectId, emulators.pubsubHost());
    return new DemoBackend("Firestore emulator at " + emulators.firestoreHost() + ", "
        + bus.describe(),
        new FirestoreRolloutStore(db, clock), new FirestorePolicyStore(db, scenario.region()),
        publisher, bus, () -> {
          bus.close();
          publisher.close();
          clients.close();
          db.close();
        }, emulators);
  }

  static DemoBackend inMemory(String projectId, DemoScenario scenario, Clock clock,
      BiConsumer<BusMessage, Exception> deadLetter) {
    InProcessBus bus = new InProcessBus(projectId, clock, deadLetter);
    InMemoryPolicyStore policies = new InMemoryPolicyStore()
        .watch(scenario.service(), scenario.region(), PolicyJson.parse(scenario.policyJson()));
    return new DemoBackend("in-memory store, " + bus.describe(), new InMemoryRolloutStore(clock),
        policies, new BusEventPublisher(bus, clock), bus, bus, null);
  }

  /** The emulators when the backend runs on them; empty in-memory. */
  Optional<Emulators> emulators() {
    return Optional.ofNullable(emulators);
  }

  String describe() {
    return description;
  }

  RolloutStore store() {
    return store;
  }

  PolicyStore policies() {
    return policies;
  }

  EventPublisher publisher() {
    return publisher;
  }

  MessageBus bus() {
    return bus;
  }

  @Override
  public void close() {
    try {
      resources.close();
    } catch (Exception e) {
      // closing at exit: nothing left to protect
    }
  }
}
