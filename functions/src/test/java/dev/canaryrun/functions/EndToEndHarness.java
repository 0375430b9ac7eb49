package dev.canaryrun.functions;

import com.google.cloud.firestore.Firestore;
import com.google.cloud.functions.invoker.runner.Invoker;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PushConfig;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.SubscriptionName;
import dev.canaryrun.fixtures.Fixtures;
import dev.canaryrun.fixtures.IdTokens;
import dev.canaryrun.gcp.pubsub.PubSubClients;
import dev.canaryrun.gcp.store.FirestoreClients;
import dev.canaryrun.gcp.store.FirestoreRolloutStore;
import dev.canaryrun.local.LocalControlPlane;
import dev.canaryrun.local.publish.CloudBuildMessages;
import dev.canaryrun.local.publish.MonitoringIncidents;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutIds;
import dev.canaryrun.rollout.RolloutState;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The whole system on one machine, on real parts: the Pub/Sub emulator pushes to the four
 * functions running under the Functions Framework invoker (in this JVM, on free ports), which
 * use the Firestore emulator and Cloud Run + Monitoring served by {@link LocalControlPlane}
 * over plaintext gRPC. Pushes pass through {@link PushRelay}, which makes them the
 * {@code messagePublished} CloudEvents Eventarc would deliver (invoker 2.0.0's own conversion
 * of a push request fails; see there).
 *
 * <p>With {@code duplicates}, every message is delivered twice with the same message id, the
 * second time right after the first was acked, as at-least-once delivery may.
 */
final class EndToEndHarness implements AutoCloseable {
  static final String REGION = Fixtures.REGION;
  static final String STABLE_IMAGE = "localhost/demo/app:v1";
  /** Synthetic requests per revision per 100 ms: enough for the judge to decide in seconds. */
  static final int REQUESTS_PER_100MS = 150;

  final String project;
  final LocalControlPlane plane;
  final Firestore db;
  final FirestoreRolloutStore store;
  final PubSubClients pubsub;
  final Map<String, String> env = new HashMap<>();
  final IdTokens google = new IdTokens();
  private final Map<String, Publisher> publishers = new ConcurrentHashMap<>();
  private final List<Invoker> invokers = new ArrayList<>();
  private final ScheduledExecutorService background = Executors.newScheduledThreadPool(2);
  private final PushRelay relay;
  final Map<String, Integer> ports = new HashMap<>();
  /** Each function's push subscription and its push config, to hold and resume deliveries. */
  private final Map<String, PushConfig> pushConfigs = new ConcurrentHashMap<>();

  EndToEndHarness(String firestoreHost, String pubsubHost, String project, boolean duplicates)
      throws Exception {
    this.project = project;
    this.relay = new PushRelay(duplicates);
    this.plane = LocalControlPlane.start(0);
    plane.monitoring().setDefaults(project, REGION);
    env.put(Env.PROJECT, project);
    env.put(Env.REGION, REGION);
    env.put(Env.MAX_EVENT_AGE_SECONDS, "600");
    env.put(Env.FIRESTORE_EMULATOR_HOST, firestoreHost);
    env.put(Env.PUBSUB_EMULATOR_HOST, pubsubHost);
    env.put(Env.RUN_ENDPOINT, plane.endpoint());
    env.put(Env.MONITORING_ENDPOINT, plane.endpoint());
    // Commands are verified for real, against a local key set served as Google serves its own.
    env.put(Env.ID_TOKEN_CERTS, google.serveKeys());
    this.db = FirestoreClients.create(project, null, firestoreHost);
    this.store = new FirestoreRolloutStore(db, Clock.systemUTC());
    this.pubsub = PubSubClients.emulator(project, pubsubHost);
    // Each function builds its controller lazily from this environment, as on a cold start.
    FunctionEnvironment.override(env);
    try (TopicAdminClient topics = pubsub.topicAdmin()) {
      for (String t : DeploymentContract.TOPICS) {
        topics.createTopic(pubsub.topic(t));
      }
    }
    for (DeploymentContract.Function f : DeploymentContract.FUNCTIONS) {
      int port = freePort();
      ports.put(f.name(), port);
      startInvoker(port, f.entryPointName());
      subscribe(f, port, "push");
    }
  }

  /** Starts one invoker; returns when it accepts requests. */
  Invoker startInvoker(int port, String target) throws Exception {
    Invoker invoker = new Invoker(port, target, "cloudevent",
        EndToEndHarness.class.getClassLoader());
    invoker.startTestServer();
    synchronized (invokers) {
      invokers.add(invoker);
    }
    return invoker;
  }

  private void subscribe(DeploymentContract.Function f, int port, String suffix)
      throws IOException {
    PushConfig push = PushConfig.newBuilder()
        .setPushEndpoint(relay.route(f.entryPoint().getSimpleName(), port,
            pubsub.topic(f.topic()).toString())).build();
    String name = SubscriptionName.of(project, f.topic() + "-" + suffix).toString();
    pushConfigs.put(f.topic(), push);
    try (SubscriptionAdminClient subs = pubsub.subscriptionAdmin()) {
      subs.createSubscription(Subscription.newBuilder()
          .setName(name)
          .setTopic(pubsub.topic(f.topic()).toString())
          .setPushConfig(push)
          .setAckDeadlineSeconds(60)
          .build());
    }
  }

  /**
   * Stops pushing {@code topic}'s messages to its function: they wait in the subscription (as
   * behind a function that is down) until {@link #resumeDeliveries}.
   */
  void holdDeliveries(String topic) throws IOException {
    try (SubscriptionAdminClient subs = pubsub.subscriptionAdmin()) {
      subs.modifyPushConfig(SubscriptionName.of(project, topic + "-push").toString(),
          PushConfig.getDefaultInstance());
    }
  }

  void resumeDeliveries(String topic) throws IOException {
    try (SubscriptionAdminClient subs = pubsub.subscriptionAdmin()) {
      subs.modifyPushConfig(SubscriptionName.of(project, topic + "-push").toString(),
          pushConfigs.get(topic));
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  // ---- the world ---------------------------------------------------------------------------

  /** A Cloud Run service serving {@link #STABLE_IMAGE}, watched with {@code policyJson}. */
  String watch(String service, String policyJson) throws Exception {
    var s = plane.cloudRun().createService("projects/" + project + "/locations/" + REGION,
        service, STABLE_IMAGE);
    db.collection("policies").document(service)
        .set(Map.of("policy", policyJson, "region", REGION)).get();
    return s.getLatestReadyRevision().substring(s.getLatestReadyRevision().lastIndexOf('/') + 1);
  }

  /** A fresh SUCCESS build of {@code service} (a new image); returns the rollout id. */
  String publishBuild(String service) throws Exception {
    String buildId = UUID.randomUUID().toString();
    String image = "europe-west1-docker.pkg.dev/" + project + "/cloud-run-source-deploy/"
        + service + ":" + buildId.substring(0, 7);
    publish("cloud-builds", CloudBuildMessages.success(project, buildId, service, REGION, image,
        Instant.now()), CloudBuildMessages.attributes(buildId, "SUCCESS"));
    return RolloutIds.forBuild(service, buildId);
  }

  /** An incident notification (schema 1.2) opened or closed on a revision. */
  String publishIncident(String service, String revision, boolean open) throws Exception {
    MonitoringIncidents incidents =
        new MonitoringIncidents(project, service, REGION, service + " 5xx rate");
    String id = "0." + UUID.randomUUID().toString().substring(0, 12);
    Instant now = Instant.now();
    String summary = "5xx rate of " + revision + " is above the threshold";
    return publish("canaryrun-alerts", open ? incidents.open(id, revision, summary, now)
        : incidents.closed(id, revision, summary, now, now), Map.of());
  }

  String publishCommand(String service, String command, String rolloutId) throws Exception {
    String json = "{\"schemaVersion\":1,\"command\":\"" + command + "\",\"service\":\""
        + service + "\"" + (rolloutId == null ? "" : ",\"rolloutId\":\"" + rolloutId + "\"")
        + ",\"reason\":\"end-to-end test\",\"idToken\":\""
        + google.token("e2e@example.com", Instant.now().minusSeconds(5)) + "\"}";
    return publish("canaryrun-commands", json, Map.of());
  }

  /** Publishes and waits for the message id. */
  String publish(String topic, String data, Map<String, String> attributes) throws Exception {
    return publish(topic, data.getBytes(StandardCharsets.UTF_8), attributes);
  }

  String publish(String topic, byte[] data, Map<String, String> attributes) throws Exception {
    Publisher p = publishers.computeIfAbsent(topic, t -> {
      try {
        return pubsub.publisher(t, false);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    return p.publish(PubsubMessage.newBuilder().setData(ByteString.copyFrom(data))
        .putAllAttributes(attributes).build()).get(10, TimeUnit.SECONDS);
  }

  /** Cloud Scheduler, faster: {@code {}} to canaryrun-ticks every {@code period}. */
  void tickEvery(Duration period) {
    background.scheduleAtFixedRate(() -> {
      try {
        publish("canaryrun-ticks", "{}", Map.of());
      } catch (Exception e) {
        // the next tick will do; the harness is closing
      }
    }, 0, period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Synthetic traffic recorded into LocalMonitoring every 100 ms for the revisions that
   * {@code revisions} names at that moment ([service, revision] -> error rate).
   */
  void trafficEvery100ms(Supplier<Map<List<String>, Double>> revisions) {
    background.scheduleAtFixedRate(() -> {
      try {
        Instant now = Instant.now();
        for (Map.Entry<List<String>, Double> e : revisions.get().entrySet()) {
          for (int i = 0; i < REQUESTS_PER_100MS; i++) {
            boolean error = i < Math.round(REQUESTS_PER_100MS * e.getValue());
            plane.monitoring().record(e.getKey().get(0), e.getKey().get(1), error ? 503 : 200,
                40 + (i % 7) * 5, now);
          }
        }
      } catch (RuntimeException e) {
        // keep recording: one bad sample must not stop the traffic
      }
    }, 0, 100, TimeUnit.MILLISECONDS);
  }

  Optional<Rollout> rollout(String id) {
    return store.find(id);
  }

  /** Waits for the rollout to reach {@code state}; fails with its last state and reason. */
  Rollout await(String rolloutId, RolloutState state, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Optional<Rollout> r = Optional.empty();
    while (System.nanoTime() < deadline) {
      r = store.find(rolloutId);
      if (r.isPresent() && r.get().state() == state && r.get().traffic().applied()) {
        return r.get();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("rollout " + rolloutId + " did not reach " + state + " in "
        + timeout.toSeconds() + " s; last: " + r.map(x -> x.state() + " (" + x.reason() + ")")
        .orElse("absent"));
  }

  @Override
  public void close() {
    background.shutdownNow();
    relay.close();
    google.close();
    synchronized (invokers) {
      for (Invoker i : invokers) {
        try {
          i.stopServer();
        } catch (Exception ignored) {
          // stopping is best effort
        }
      }
    }
    for (Publisher p : publishers.values()) {
      p.shutdown();
    }
    FunctionEnvironment.clearOverrides();
    pubsub.close();
    try {
      db.close();
    } catch (Exception ignored) {
      // best effort
    }
    plane.close();
  }
}
