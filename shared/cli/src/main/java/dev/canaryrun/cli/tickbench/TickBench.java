package dev.canaryrun.cli.tickbench;

import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import dev.canaryrun.emulators.Emulators;
import dev.canaryrun.gcp.monitoring.CloudMonitoringMetricsReader;
import dev.canaryrun.gcp.monitoring.MonitoringClients;
import dev.canaryrun.gcp.store.FirestoreRolloutStore;
import dev.canaryrun.judge.SequentialJudge;
import dev.canaryrun.local.LocalControlPlane;
import dev.canaryrun.memory.InMemoryEventPublisher;
import dev.canaryrun.memory.InMemoryPolicyStore;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.port.SaveOutcome;
import dev.canaryrun.port.SaveResult;
import dev.canaryrun.port.SmokeChecker;
import dev.canaryrun.port.TrafficRouter;
import dev.canaryrun.rollout.Decision;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutEvent;
import dev.canaryrun.rollout.RolloutMachine;
import dev.canaryrun.rollout.RolloutState;
import dev.canaryrun.service.HandleResult;
import dev.canaryrun.service.RolloutService;
import dev.canaryrun.service.TickRequest;
import io.grpc.ManagedChannelBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * {@code ./canaryrun tick-bench [--rollouts N]}: one scheduler tick over N active rollouts,
 * through the production adapters: Firestore (emulator, calls counted on the wire), Cloud
 * Monitoring (the local control plane, calls counted by the server) and the real judge. Prints
 * Monitoring calls per tick, Firestore reads and writes per rollout, and wall time.
 *
 * <p>Each rollout is in CANARY at 5% with one final metric bucket to judge and its minimum
 * dwell not yet elapsed: the common tick, which consumes evidence and stores it. Cloud Run is
 * not called on such a tick (no traffic moves); its cost per traffic shift is one GetService
 * and one UpdateService, measured by the adapter tests.
 */
public final class TickBench {
  private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");

  private TickBench() {}

  public static void main(String[] args) throws Exception {
    int n = 1000;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--rollouts") && i + 1 < args.length) {
        n = Integer.parseInt(args[++i]);
      } else {
        System.err.println("usage: ./canaryrun tick-bench [--rollouts N]");
        System.exit(2);
      }
    }
    Logger.getLogger("").setLevel(Level.WARNING); // the decision log would drown the figures
    Logger.getLogger("dev.canaryrun").setLevel(Level.WARNING);
    run(n);
    Emulators.stopShared();
    System.exit(0);
  }

  static void run(int n) throws Exception {
    RolloutPolicy policy = RolloutPolicy.defaults();
    // Four minutes into step 1: one minute of metrics is final (ingest delay 3 min), and the
    // 5-minute minimum dwell has not elapsed, so every rollout holds and stores its evidence.
    Clock clock = Clock.fixed(T0.plus(Duration.ofMinutes(4)), ZoneOffset.UTC);
    Emulators emulators = Emulators.shared();
    String project = emulators.newProjectId();
    FirestoreCallCounter counter = new FirestoreCallCounter();
    try (LocalControlPlane plane = LocalControlPlane.start(0);
         Firestore db = countingFirestore(project, emulators.firestoreHost(), counter);
         MetricServiceClient monitoringClient =
             MonitoringClients.create(java.util.Optional.of(plane.endpoint()))) {
      plane.monitoring().setDefaults(project, "europe-west1");
      FirestoreRolloutStore store = new FirestoreRolloutStore(db, clock);
      long seedStart = System.nanoTime();
      seed(store, plane, policy, n);
      double seedSeconds = (System.nanoTime() - seedStart) / 1e9;

      RolloutService service = new RolloutService(store, new InMemoryPolicyStore(),
          unusedRouter(), new CloudMonitoringMetricsReader(monitoringClient, project),
          unusedSmoke(), new InMemoryEventPublisher(), new SequentialJudge(), clock,
          Duration.ofHours(1));

      System.out.printf("canaryrun tick benchmark: %d active rollouts (seeded in %.1f s)%n", n,
          seedSeconds);
      System.out.println("| tick | wall time (s) | Monitoring calls | Firestore RPCs | "
          + "Firestore reads / rollout | Firestore writes / rollout | outcomes |");
      System.out.println("|---|---:|---:|---:|---:|---:|---|");
      for (int tick = 1; tick <= 2; tick++) {
        plane.monitoring().calls().clear();
        FirestoreCallCounter.Snapshot before = counter.snapshot();
        long start = System.nanoTime();
        List<HandleResult> results = service.onTick(TickRequest.all("bench-tick-" + tick,
            clock.instant()));
        double seconds = (System.nanoTime() - start) / 1e9;
        FirestoreCallCounter.Snapshot d = counter.snapshot().minus(before);
        Map<String, Long> outcomes = results.stream()
            .collect(Collectors.groupingBy(r -> r.status().name(), Collectors.counting()));
        System.out.printf("| %d | %.2f | %d | %d %s | %.2f | %.2f | %s |%n", tick, seconds,
            plane.monitoring().calls().count("ListTimeSeries"), d.totalRpcs(), d.rpcs(),
            d.documentsRead() / (double) n, d.documentsWritten() / (double) n, outcomes);
      }
      System.out.println("(tick 2 sees no new final bucket: the same minute, nothing to consume)");
    }
  }

  /** N rollouts in CANARY at step 1, each with a minute of canary and stable traffic. */
  private static void seed(FirestoreRolloutStore store, LocalControlPlane plane,
      RolloutPolicy policy, int n) throws Exception {
    RolloutMachine machine = new RolloutMachine();
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < n; i++) {
      String service = String.format("svc-%04d", i);
      SplittableRandom r = random.split();
      for (int k = 0; k < 60; k++) { // one request a second, 95/5, 0.5% errors
        boolean canary = r.nextDouble() < 0.05;
        int status = r.nextDouble() < 0.005 ? 500 : 200;
        plane.monitoring().record(service, canary ? service + "-cand" : service + "-stable",
            status, 50 + r.nextInt(100), T0.plusSeconds(k));
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<SaveOutcome>> saves = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String service = String.format("svc-%04d", i);
      saves.add(pool.submit(() -> {
        Rollout r = canary(machine, policy, service);
        return store.save(r, 0, "seed-" + service, List.of());
      }));
    }
    for (Future<SaveOutcome> f : saves) {
      if (f.get().result() != SaveResult.SAVED) {
        throw new IllegalStateException("seeding failed: " + f.get());
      }
    }
    pool.shutdown();
  }

  private static Rollout canary(RolloutMachine m, RolloutPolicy policy, String service) {
    Decision d = m.start(new RolloutEvent.BuildSucceeded("b-" + service, T0, service,
        "europe-west1", "img@sha256:" + "0".repeat(64), service + "build", service + "-cand"),
        policy, T0);
    Rollout r = d.next();
    r = m.decide(r, new RolloutEvent.DeployCompleted("d", T0, service + "-stable", "http://x"), T0)
        .next();
    r = m.decide(r, new RolloutEvent.SmokeCheckPassed("s", T0, "200"), T0).next();
    r = m.decide(r, new RolloutEvent.TrafficApplied("a", T0, r.traffic().candidatePercent()), T0)
        .next();
    if (r.state() != RolloutState.CANARY) {
      throw new IllegalStateException("seed rollout is " + r.state());
    }
    return r;
  }

  private static Firestore countingFirestore(String project, String host,
      FirestoreCallCounter counter) {
    return FirestoreOptions.newBuilder()
        .setProjectId(project)
        .setHost(host)
        .setCredentialsProvider(FixedCredentialsProvider.create(
            new FirestoreOptions.EmulatorCredentials()))
        .setChannelProvider(InstantiatingGrpcChannelProvider.newBuilder()
            .setEndpoint(host)
            .setChannelConfigurator(ManagedChannelBuilder::usePlaintext)
            .setInterceptorProvider(() -> List.of(counter))
            .build())
        .build()
        .getService();
  }

  private static TrafficRouter unusedRouter() {
    return new TrafficRouter() {
      @Override
      public Deployment deploy(dev.canaryrun.rollout.Effect.DeployRevision request) {
        throw new IllegalStateException("a holding tick must not deploy");
      }

      @Override
      public Deployment locate(dev.canaryrun.rollout.Effect.LocateRevision request) {
        throw new IllegalStateException("a holding tick must not locate a candidate");
      }

      @Override
      public void setTraffic(dev.canaryrun.rollout.Effect.SetTraffic request) {
        throw new IllegalStateException("a holding tick must not move traffic");
      }

      @Override
      public int candidatePercentServed(dev.canaryrun.rollout.Effect.ObserveTraffic request) {
        throw new IllegalStateException("a rollout in CANARY has nothing to settle");
      }
    };
  }

  private static SmokeChecker unusedSmoke() {
    return request -> {
      throw new IllegalStateException("a holding tick must not smoke-check");
    };
  }
}
