package dev.canaryrun.functions.chaos;

import com.google.cloud.firestore.Firestore;
import dev.canaryrun.fixtures.Fixtures;
import dev.canaryrun.fixtures.MutableClock;
import dev.canaryrun.functions.CommandSender;
import dev.canaryrun.functions.Controller;
import dev.canaryrun.functions.Env;
import dev.canaryrun.gcp.auth.IdTokenVerifier;
import dev.canaryrun.functions.OnAlertFired;
import dev.canaryrun.functions.OnBuildFinished;
import dev.canaryrun.functions.OnCommand;
import dev.canaryrun.functions.OnPhaseTick;
import dev.canaryrun.gcp.run.CloudRunClients;
import dev.canaryrun.gcp.run.CloudRunTrafficRouter;
import dev.canaryrun.gcp.smoke.HttpSmokeChecker;
import dev.canaryrun.gcp.store.FirestoreClients;
import dev.canaryrun.gcp.store.FirestorePolicyStore;
import dev.canaryrun.gcp.store.FirestoreRolloutStore;
import dev.canaryrun.judge.JudgeState;
import dev.canaryrun.judge.Judgement;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.local.LocalControlPlane;
import dev.canaryrun.local.publish.MessagePublished;
import dev.canaryrun.memory.InMemoryEventPublisher;
import dev.canaryrun.service.RolloutService;
import io.cloudevents.CloudEvent;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The real parts the fault suite runs on: the Firestore emulator behind the production store,
 * the local Cloud Run behind the production router (real HTTP revisions, real smoke checks),
 * the four function classes as the Functions Framework builds them, the ports wrapped in
 * {@link Faults}, and the functions' connections to both running through {@link WireFaults}.
 * Only the judge is scripted: this suite is about delivery, not statistics.
 */
final class ChaosWorld implements AutoCloseable {
  static final String REGION = Fixtures.REGION;
  static final String STABLE_IMAGE = "localhost/chaos/app:v1";
  /** Short dwell so that a release walks its steps within a few simulated minutes. */
  static final String POLICY = """
      {"steps": [{"percent": 5, "minDwellSeconds": 60, "maxDwellSeconds": 600},
                 {"percent": 50, "minDwellSeconds": 60, "maxDwellSeconds": 600}]}
      """;

  final String project;
  final MutableClock clock = new MutableClock(Instant.now());
  final Faults faults;
  /** The harness's own clients (set-up, script, invariants): straight to the emulators. */
  final Firestore db;
  final FirestoreRolloutStore store;
  final LocalControlPlane plane = LocalControlPlane.start(0);
  final CloudRunClients runClients;
  final CloudRunTrafficRouter router;
  /** The wire between the functions and Firestore, and between them and Cloud Run. */
  final WireFaults firestoreWire;
  final WireFaults runWire;
  private final Firestore wiredDb;
  private final CloudRunClients wiredRun;
  /** Candidate revisions the scripted judge fails. */
  final Set<String> failing = ConcurrentHashMap.newKeySet();
  private final RolloutService service;
  final Map<String, Consumer<CloudEvent>> functions;

  /**
   * @param faultProbability of a fault before, and of one after, every port call
   * @param wireRate of each wire fault (cut, lost reply, delay) per request on the wire
   */
  ChaosWorld(String firestoreHost, String project, long seed, double faultProbability,
      double wireRate) {
    this.project = project;
    this.faults = new Faults(seed, faultProbability);
    this.db = FirestoreClients.create(project, null, firestoreHost);
    this.store = new FirestoreRolloutStore(db, clock);
    this.runClients = CloudRunClients.create(Optional.of(plane.endpoint()));
    this.router = new CloudRunTrafficRouter(runClients, project);
    // What the functions' FIRESTORE_EMULATOR_HOST and CANARYRUN_RUN_ENDPOINT would name: the
    // proxies, so the production adapters and the Google clients under them see the faults.
    this.firestoreWire = WireFaults.start("firestore-wire", firestoreHost, seed,
        WireFaults.Rates.of(wireRate));
    this.runWire = WireFaults.start("run-wire", plane.endpoint(), seed + 1,
        WireFaults.Rates.of(wireRate));
    this.wiredDb = FirestoreClients.create(project, null, firestoreWire.endpoint());
    this.wiredRun = CloudRunClients.create(Optional.of(runWire.endpoint()));
    service = new RolloutService(
        new FaultyStore(new FirestoreRolloutStore(wiredDb, clock), faults),
        new FirestorePolicyStore(wiredDb, REGION),
        new FaultyRouter(new CloudRunTrafficRouter(wiredRun, project), faults),
        query -> Map.of(),
        new HttpSmokeChecker(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()),
        new InMemoryEventPublisher(),
        (state, settings, input) -> new Judgement(Verdict.of(Outcome.PASS, "scripted pass"),
            new JudgeState(input.finalUntil(), state.values())),
        clock, Duration.ofDays(1));
    // The suite's commands are unsigned, as on the emulators: verification has its own tests.
    Controller controller = new Controller(service, new CommandSender(
        IdTokenVerifier.withCertificates(Env.DEFAULT_COMMAND_AUDIENCES,
            IdTokenVerifier.GOOGLE_CERTS), true));
    functions = Map.of(
        "cloud-builds", new OnBuildFinished(controller)::accept,
        "canaryrun-ticks", new OnPhaseTick(controller)::accept,
        "canaryrun-alerts", new OnAlertFired(controller)::accept,
        "canaryrun-commands", new OnCommand(controller)::accept);
  }

  /** A service serving the stable image, watched by canaryrun. */
  void watch(String svc) throws Exception {
    plane.cloudRun().createService("projects/" + project + "/locations/" + REGION, svc,
        STABLE_IMAGE);
    db.collection("policies").document(svc).set(Map.of("policy", POLICY, "region", REGION))
        .get();
  }

  /** The messagePublished CloudEvent Eventarc would deliver for one Pub/Sub message. */
  CloudEvent event(String topic, String messageId, String data, Map<String, String> attributes) {
    return MessagePublished.event(project, topic, topic, data.getBytes(StandardCharsets.UTF_8),
        attributes, messageId, clock.instant());
  }

  String buildJson(String svc, String buildId) {
    return Fixtures.edit("cloudbuild/build-success.json")
        .set("/id", buildId)
        .set("/projectId", project)
        .set("/finishTime", clock.instant().toString())
        .set("/substitutions/_SERVICE_NAME", svc)
        .set("/results/images", List.of(Map.of("name",
            "europe-west1-docker.pkg.dev/" + project + "/cloud-run-source-deploy/" + svc + ":"
                + buildId.substring(0, 7), "digest", "sha256:" + "ab".repeat(32))))
        .text();
  }

  String incidentJson(String svc, String revision, String incidentId) {
    return Fixtures.edit("monitoring/incident-open-canary.json")
        .set("/incident/incident_id", incidentId)
        .set("/incident/started_at", clock.instant().getEpochSecond())
        .set("/incident/resource/labels/service_name", svc)
        .set("/incident/resource/labels/configuration_name", svc)
        .set("/incident/resource/labels/revision_name", revision)
        .text();
  }

  static String commandJson(String svc, String command, String rolloutId) {
    return "{\"schemaVersion\":1,\"command\":\"" + command + "\",\"service\":\"" + svc + "\","
        + "\"rolloutId\":\"" + rolloutId + "\",\"reason\":\"chaos\",\"actor\":\"chaos@example.com\"}";
  }

  /** The quiet phase: no more faults at the ports or on the wire. */
  void faultsOff() {
    faults.off();
    firestoreWire.off();
    runWire.off();
  }

  @Override
  public void close() throws Exception {
    service.close();
    wiredRun.close();
    wiredDb.close();
    firestoreWire.close();
    runWire.close();
    runClients.close();
    db.close();
    plane.close();
  }
}
