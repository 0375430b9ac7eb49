package dev.canaryrun.functions.chaos;

import dev.canaryrun.rollout.RolloutIds;
import io.cloudevents.CloudEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives many services and releases through the four functions as Pub/Sub would: every
 * message delivered 1 to 3 times, concurrently and in shuffled order, and redelivered in a
 * later round until one delivery is acked. Builds, ticks, alerts and commands race in every
 * round while {@link Faults} fail calls before and after they reach Firestore and Cloud Run.
 * Then the faults stop, the system is left to go quiet, and {@link Invariants} are checked.
 */
final class ChaosRun {
  /**
   * @param rounds rounds with faults (two simulated minutes each) before the quiet phase
   * @param wireRate per request on the wire, of a cut, of a lost reply and of a delay each
   */
  record Config(int services, int rounds, double faultProbability, double wireRate, long seed,
      int threads) {}

  /** One published message and what the invariants need to know about it. */
  record Message(String topic, String kind, String service, String rolloutId, CloudEvent event) {}

  private final ChaosWorld world;
  private final Config config;
  private final SplittableRandom random;
  final List<Message> published = Collections.synchronizedList(new ArrayList<>());
  final List<Message> acked = Collections.synchronizedList(new ArrayList<>());
  final ConcurrentLinkedQueue<Long> latenciesMicros = new ConcurrentLinkedQueue<>();
  final AtomicLong deliveries = new AtomicLong();
  final AtomicLong failedDeliveries = new AtomicLong();
  /** Deliveries beyond every message's first round (Pub/Sub redelivering the unacked). */
  final AtomicLong redeliveries = new AtomicLong();
  /** Copies beyond the first within a round (at-least-once delivering twice or thrice). */
  final AtomicLong duplicates = new AtomicLong();
  private final java.util.Set<Message> seenBefore =
      java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
  private List<Message> pending = new ArrayList<>();
  private int ids;

  ChaosRun(ChaosWorld world, Config config) {
    this.world = world;
    this.config = config;
    this.random = new SplittableRandom(config.seed());
  }

  List<String> services() {
    List<String> s = new ArrayList<>();
    for (int i = 0; i < config.services(); i++) {
      s.add(String.format("chaos%02d", i));
    }
    return s;
  }

  void run() throws Exception {
    for (String svc : services()) {
      world.watch(svc);
    }
    ExecutorService pool = Executors.newFixedThreadPool(config.threads());
    try {
      for (int round = 0; round < config.rounds(); round++) {
        script(round);
        deliverRound(pool);
        world.clock.advance(Duration.ofMinutes(2));
      }
      world.faultsOff();
      // Quiet: redeliveries drain, ticks walk the rollouts on (to promotion, past the settling
      // window) until nothing but operator pauses is left moving. The bound turns a rollout that
      // never gets there into an invariant violation rather than a hang.
      for (int round = 0; round < 60 && (round < 12 || !pending.isEmpty() || moving()); round++) {
        publish("canaryrun-ticks", "tick", null, null, "{}", Map.of());
        deliverRound(pool);
        world.clock.advance(Duration.ofMinutes(2));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** What happens in one round: a tick, and for each service a build, an alert or a command. */
  private void script(int round) {
    publish("canaryrun-ticks", "tick", null, null, "{}", Map.of());
    for (String svc : services()) {
      double dice = random.nextDouble();
      String latest = latestRollout(svc);
      if (latest == null || dice < 0.12) {
        if (latest == null && round > 0 && random.nextDouble() < 0.5) {
          continue; // not every service starts in the first rounds
        }
        String buildId = String.format("%08x-%04x-chaos", random.nextInt() & 0x7fffffff, ids);
        publish("cloud-builds", "build", svc, RolloutIds.forBuild(svc, buildId),
            world.buildJson(svc, buildId), Map.of("buildId", buildId, "status", "SUCCESS"));
      } else if (dice < 0.22) {
        publish("canaryrun-alerts", "alert", svc, latest,
            world.incidentJson(svc, latest, "0.chaos" + (ids + 1)), Map.of());
      } else if (dice < 0.45) {
        String command = List.of("pause", "resume", "promote", "rollback", "retry")
            .get(random.nextInt(5));
        publish("canaryrun-commands", "command", svc, latest,
            ChaosWorld.commandJson(svc, command, latest), Map.of());
      }
    }
  }

  /** Whether a rollout still has somewhere to go: not ended and settled, not held by a pause. */
  private boolean moving() {
    return world.store.listActive().stream()
        .anyMatch(r -> r.state() != dev.canaryrun.rollout.RolloutState.PAUSED);
  }

  /** The service's latest rollout, read without faults: commands and alerts name it. */
  private String latestRollout(String svc) {
    return world.store.pointer(svc, ChaosWorld.REGION).map(p -> p.lastRolloutId()).orElse(null);
  }

  private void publish(String topic, String kind, String svc, String rolloutId, String data,
      Map<String, String> attributes) {
    String id = "m" + (++ids);
    Message m = new Message(topic, kind, svc, rolloutId, world.event(topic, id, data, attributes));
    published.add(m);
    pending.add(m);
  }

  private void deliverRound(ExecutorService pool) throws Exception {
    List<Message> batch = new ArrayList<>(pending);
    pending = new ArrayList<>();
    List<Message> copies = new ArrayList<>();
    for (Message m : batch) {
      int n = 1 + random.nextInt(3);
      duplicates.addAndGet(n - 1);
      if (!seenBefore.add(m)) {
        redeliveries.addAndGet(n);
      }
      for (int i = 0; i < n; i++) {
        copies.add(m);
      }
    }
    Collections.shuffle(copies, new java.util.Random(random.nextLong()));
    List<Future<Boolean>> results = new ArrayList<>();
    for (Message m : copies) {
      results.add(pool.submit(() -> deliver(m)));
    }
    Map<Message, Boolean> ackedThisRound = new java.util.IdentityHashMap<>();
    for (int i = 0; i < copies.size(); i++) {
      boolean ok = results.get(i).get(5, TimeUnit.MINUTES);
      ackedThisRound.merge(copies.get(i), ok, Boolean::logicalOr);
    }
    for (Message m : batch) {
      if (ackedThisRound.getOrDefault(m, false)) {
        acked.add(m);
      } else {
        pending.add(m); // Pub/Sub redelivers what no delivery acked
      }
    }
  }

  /** One delivery: true when the function returned (ack), false when it threw (retry). */
  private boolean deliver(Message m) {
    deliveries.incrementAndGet();
    long t0 = System.nanoTime();
    try {
      world.functions.get(m.topic()).accept(m.event());
      return true;
    } catch (RuntimeException e) {
      failedDeliveries.incrementAndGet();
      return false;
    } finally {
      latenciesMicros.add((System.nanoTime() - t0) / 1000);
    }
  }

  String pendingSummary() {
    return pending.toString();
  }
}
