package dev.canaryrun.gcp.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.UpdateServiceRequest;
import dev.canaryrun.local.LocalCloudRun;
import dev.canaryrun.local.LocalControlPlane;
import dev.canaryrun.port.PermanentFailure;
import dev.canaryrun.port.TrafficRouter.Deployment;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.rollout.Effect.DeployRevision;
import dev.canaryrun.rollout.Effect.SetTraffic;
import io.grpc.Status;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The router through the real ServicesClient / RevisionsClient against the local Cloud Run
 * control plane; assertions are on the UpdateService requests the server received and on the
 * split it ends up serving.
 */
class CloudRunTrafficRouterTest {

  static final String PROJECT = "local-project";
  static final String REGION = "us-central1";
  static final String PARENT = "projects/" + PROJECT + "/locations/" + REGION;
  static final String TAG = "canary";

  static LocalControlPlane plane;
  static CloudRunClients clients;
  static CloudRunTrafficRouter router;

  LocalCloudRun run;
  String service;
  String serviceName;
  String stable;

  @BeforeAll
  static void start() {
    plane = LocalControlPlane.start(0);
    clients = CloudRunClients.create(Optional.of(plane.endpoint()),
        new CloudRunClients.Limits(Duration.ofSeconds(5), 3, Duration.ofSeconds(10)));
    router = new CloudRunTrafficRouter(clients, PROJECT);
  }

  @AfterAll
  static void stop() {
    clients.close();
    plane.close();
  }

  /** A fresh service per test (100% LATEST on its first revision), journal cleared. */
  @BeforeEach
  void createService() {
    run = plane.cloudRun();
    run.faults().clear();
    service = "svc-" + UUID.randomUUID().toString().substring(0, 8);
    Service created = run.createService(PARENT, service, "localhost/demo/app:v1");
    serviceName = created.getName();
    stable = shortName(created.getLatestReadyRevision());
    run.calls().clear();
  }

  @Test
  void deployCreatesTheNamedRevisionTaggedAtZeroAndPinsTheStableRevision() {
    Deployment d = router.deploy(deploy(service + "-v2", "localhost/demo/app:v2", false));

    assertEquals(new Deployment(service + "-v2", stable, d.candidateUrl()), d);
    List<UpdateServiceRequest> updates = updates();
    assertEquals(1, updates.size());
    Service sent = updates.get(0).getService();
    assertEquals(service + "-v2", sent.getTemplate().getRevision());
    assertEquals("localhost/demo/app:v2", sent.getTemplate().getContainers(0).getImage());
    // LATEST (which would hand the new revision 100%) is pinned to the stable revision.
    assertEquals(List.of(target(stable, 100, ""), target(service + "-v2", 0, TAG)),
        sent.getTrafficList());
    assertFalse(sent.getEtag().isEmpty(), "the update carries the etag it read");
    assertFalse(updates.get(0).hasUpdateMask(), "creating a revision sends the whole service");

    var traffic = router.readTraffic(REGION, service);
    assertEquals(Map.of(stable, 100), traffic.percentByRevision());
    assertEquals(service + "-v2", traffic.revisionByTag().get(TAG));
    // The candidate answers on its tag URL (real HTTP), and only there.
    assertEquals(200, get(d.candidateUrl()));
  }

  @Test
  void deployIsIdempotent() {
    Deployment first = router.deploy(deploy(service + "-v2", "localhost/demo/app:v2", false));
    Deployment again = router.deploy(deploy(service + "-v2", "localhost/demo/app:v2", false));

    assertEquals(first, again);
    assertEquals(1, updates().size(), "a redelivered deploy writes nothing");
    assertEquals(2, run.revisions(serviceName).size());
  }

  @Test
  void deployOfAnExistingNameWithAnotherImageIsPermanent() {
    router.deploy(deploy(service + "-v2", "localhost/demo/app:v2", false));
    PermanentFailure f = assertThrows(PermanentFailure.class,
        () -> router.deploy(deploy(service + "-v2", "localhost/demo/app:v3", false)));
    assertTrue(f.getMessage().contains(service + "-v2"), f.getMessage());
  }

  @Test
  void adoptVerifiesTheTaggedNoTrafficRevisionAndWritesNothing() {
    // What `gcloud run deploy --no-traffic --tag canary` leaves behind.
    Service s = run.getService(serviceName).orElseThrow();
    run.updateService(s.toBuilder()
        .setTemplate(s.getTemplate().toBuilder().setRevision(service + "-built")
            .setContainers(0, Container.newBuilder().setImage("localhost/demo/app:v2")))
        .clearTraffic()
        .addTraffic(target(stable, 100, ""))
        .addTraffic(target(service + "-built", 0, TAG))
        .build());
    run.calls().clear();

    Deployment d = router.deploy(deploy(service + "-built", "", true));

    assertEquals(service + "-built", d.candidateRevision());
    assertEquals(stable, d.stableRevision());
    assertEquals(0, updates().size());
    assertEquals(200, get(d.candidateUrl()));
  }

  @Test
  void adoptAddsTheTagWhenTheBuildDidNotTagTheRevision() {
    Service s = run.getService(serviceName).orElseThrow();
    run.updateService(s.toBuilder()
        .setTemplate(s.getTemplate().toBuilder().setRevision(service + "-built")
            .setContainers(0, Container.newBuilder().setImage("localhost/demo/app:v2")))
        .clearTraffic().addTraffic(target(stable, 100, ""))
        .build());
    run.calls().clear();

    router.deploy(deploy(service + "-built", "", true));

    assertEquals(List.of(target(stable, 100, ""), target(service + "-built", 0, TAG)),
        updates().get(0).getService().getTrafficList());
    assertEquals(service + "-built", router.readTraffic(REGION, service).revisionByTag().get(TAG));
  }

  @Test
  void adoptOfAMissingRevisionIsPermanentAndNamesIt() {
    PermanentFailure f = assertThrows(PermanentFailure.class,
        () -> router.deploy(deploy(service + "-nope", "", true)));
    assertTrue(f.getMessage().contains(service + "-nope"), f.getMessage());
    assertTrue(f.getMessage().contains(serviceName), f.getMessage());
    assertEquals(0, updates().size());
  }

  @Test
  void trafficStepsSplitTheManagedShareAndLeaveUnrelatedTargetsAlone() {
    withBlueRevisionAt10Percent();
    String candidate = service + "-v2";
    router.deploy(deploy(candidate, "localhost/demo/app:v2", false));
    TrafficTarget blue = target(service + "-blue", 10, "blue");
    assertEquals(List.of(target(stable, 90, ""), blue, target(candidate, 0, TAG)),
        lastUpdate().getTrafficList());

    router.setTraffic(split(candidate, 20));
    // Traffic steps touch nothing but traffic (and the annotation recording it): the
    // template as read is not sent back.
    assertEquals(List.of("traffic", "annotations"), updates().get(updates().size() - 1).getUpdateMask()
        .getPathsList());
    // 20% of the 90% stable+candidate share is 18; blue keeps its 10% and its tag.
    assertEquals(List.of(blue, target(candidate, 18, TAG), target(stable, 72, "")),
        lastUpdate().getTrafficList());

    router.setTraffic(split(candidate, 100));
    assertEquals(List.of(blue, target(candidate, 90, TAG)), lastUpdate().getTrafficList());

    router.setTraffic(split(candidate, 0));
    assertEquals(List.of(blue, target(candidate, 0, TAG), target(stable, 90, "")),
        lastUpdate().getTrafficList());
    var traffic = router.readTraffic(REGION, service);
    assertEquals(Map.of(stable, 90, service + "-blue", 10), traffic.percentByRevision());
    assertEquals(Map.of("blue", service + "-blue", TAG, candidate), traffic.revisionByTag());
  }

  @Test
  void settingTheSameSplitTwiceWritesOnce() {
    String candidate = service + "-v2";
    router.deploy(deploy(candidate, "localhost/demo/app:v2", false));
    router.setTraffic(split(candidate, 5));
    router.setTraffic(split(candidate, 5));
    assertEquals(2, updates().size()); // deploy + one traffic change
    assertEquals(Map.of(stable, 95, candidate, 5),
        router.readTraffic(REGION, service).percentByRevision());
  }

  @Test
  void anEtagConflictIsResolvedByReReadingAndReApplying() {
    String candidate = service + "-v2";
    router.deploy(deploy(candidate, "localhost/demo/app:v2", false));
    run.calls().clear();
    run.concurrentUpdateBeforeNext(1); // someone else writes just before our update lands

    router.setTraffic(split(candidate, 20));

    List<UpdateServiceRequest> updates = updates();
    assertEquals(2, updates.size());
    assertNotEquals(updates.get(0).getService().getEtag(), updates.get(1).getService().getEtag());
    assertEquals(2, run.calls().count("GetService"), "each attempt plans from a fresh read");
    assertEquals(Map.of(stable, 80, candidate, 20),
        router.readTraffic(REGION, service).percentByRevision());
  }

  @Test
  void persistentConflictsBecomeTransientAfterTheBoundedAttempts() {
    String candidate = service + "-v2";
    router.deploy(deploy(candidate, "localhost/demo/app:v2", false));
    run.calls().clear();
    run.concurrentUpdateBeforeNext(3);

    TransientFailure f = assertThrows(TransientFailure.class,
        () -> router.setTraffic(split(candidate, 20)));
    assertTrue(f.getMessage().contains("ABORTED"), f.getMessage());
    assertEquals(3, updates().size());
  }

  @Test
  void unavailableIsRetriedByTheClient() {
    String candidate = service + "-v2";
    router.deploy(deploy(candidate, "localhost/demo/app:v2", false));
    run.calls().clear();
    run.faults().failNext("UpdateService", 1, Status.UNAVAILABLE.withDescription("blip"));
    run.faults().failNext("GetService", 1, Status.UNAVAILABLE.withDescription("blip"));

    router.setTraffic(split(candidate, 5));

    assertEquals(2, run.calls().count("GetService"));
    assertEquals(2, updates().size());
    assertEquals(5, router.readTraffic(REGION, service).percentOf(candidate));
  }

  @Test
  void unavailableThatOutlastsTheRetriesIsTransient() {
    run.faults().failNext("GetService", 10, Status.UNAVAILABLE.withDescription("down"));
    TransientFailure f = assertThrows(TransientFailure.class,
        () -> router.setTraffic(split(service + "-v2", 5)));
    assertTrue(f.getMessage().contains("UNAVAILABLE"), f.getMessage());
    assertEquals(3, run.calls().count("GetService"), "client retry settings: 3 attempts");
    run.faults().clear();
  }

  @Test
  void invalidArgumentIsPermanentAndNamesServiceRevisionAndServerMessage() {
    // A candidate that does not exist: Cloud Run rejects the traffic block.
    PermanentFailure f = assertThrows(PermanentFailure.class,
        () -> router.setTraffic(split(service + "-ghost", 5)));
    assertTrue(f.getMessage().contains("INVALID_ARGUMENT"), f.getMessage());
    assertTrue(f.getMessage().contains(serviceName), f.getMessage());
    assertTrue(f.getMessage().contains(service + "-ghost"), f.getMessage());
    assertTrue(f.getMessage().contains("does not exist"), f.getMessage()); // server's words
    assertEquals(1, updates().size(), "never retried");
  }

  @Test
  void aGenuineFailedPreconditionIsPermanent() {
    String candidate = service + "-v2";
    router.deploy(deploy(candidate, "localhost/demo/app:v2", false));
    run.calls().clear();
    run.faults().failNext("UpdateService", 1,
        Status.FAILED_PRECONDITION.withDescription("revision is not ready"));

    PermanentFailure f = assertThrows(PermanentFailure.class,
        () -> router.setTraffic(split(candidate, 5)));
    assertTrue(f.getMessage().contains("revision is not ready"), f.getMessage());
    assertEquals(1, updates().size(), "etag did not move, so it is not a conflict");
  }

  @Test
  void aMissingServiceIsPermanent() {
    PermanentFailure f = assertThrows(PermanentFailure.class,
        () -> router.deploy(new DeployRevision("nosuch", REGION, "img", "nosuch-v2", TAG, false)));
    assertTrue(f.getMessage().contains("NOT_FOUND"), f.getMessage());
  }

  @Test
  void theTagMovesFromASupersededCandidate() {
    router.deploy(deploy(service + "-v2", "localhost/demo/app:v2", false));
    router.deploy(deploy(service + "-v3", "localhost/demo/app:v3", false));
    assertEquals(List.of(target(stable, 100, ""), target(service + "-v3", 0, TAG)),
        lastUpdate().getTrafficList());
    router.setTraffic(split(service + "-v3", 50));
    assertEquals(Map.of(stable, 50, service + "-v3", 50),
        router.readTraffic(REGION, service).percentByRevision());
  }

  @Test
  void aSlowOperationIsPolledUntilDone() {
    String candidate = service + "-v2";
    router.deploy(deploy(candidate, "localhost/demo/app:v2", false));
    run.setOperationDelay(Duration.ofMillis(1500));
    try {
      router.setTraffic(split(candidate, 5));
    } finally {
      run.setOperationDelay(Duration.ZERO);
    }
    assertTrue(run.calls().count("GetOperation") + run.calls().count("WaitOperation") > 0);
    assertEquals(5, router.readTraffic(REGION, service).percentOf(candidate));
  }

  @Test
  void anOperationThatOutlastsTheWaitIsTransient() {
    String candidate = service + "-v2";
    router.deploy(deploy(candidate, "localhost/demo/app:v2", false));
    run.setOperationDelay(Duration.ofSeconds(30));
    try (CloudRunClients impatient = CloudRunClients.create(Optional.of(plane.endpoint()),
        new CloudRunClients.Limits(Duration.ofSeconds(2), 3, Duration.ofSeconds(1)))) {
      TransientFailure f = assertThrows(TransientFailure.class,
          () -> new CloudRunTrafficRouter(impatient, PROJECT).setTraffic(split(candidate, 5)));
      assertTrue(f.getMessage().contains("did not finish"), f.getMessage());
    } finally {
      run.setOperationDelay(Duration.ZERO);
    }
  }

  // ------------------------------------------------------------------ helpers

  private void withBlueRevisionAt10Percent() {
    Service s = run.getService(serviceName).orElseThrow();
    run.updateService(s.toBuilder()
        .setTemplate(s.getTemplate().toBuilder().setRevision(service + "-blue")
            .setContainers(0, Container.newBuilder().setImage("localhost/demo/app:blue")))
        .clearTraffic()
        .addTraffic(target(stable, 90, ""))
        .addTraffic(target(service + "-blue", 10, "blue"))
        .build());
    run.calls().clear();
  }

  private DeployRevision deploy(String revision, String image, boolean adopt) {
    return new DeployRevision(service, REGION, image, revision, TAG, adopt);
  }

  private SetTraffic split(String candidate, int percent) {
    return new SetTraffic(service, REGION, stable, candidate, TAG, percent);
  }

  private List<UpdateServiceRequest> updates() {
    return run.calls().requests("UpdateService", UpdateServiceRequest.class);
  }

  private Service lastUpdate() {
    List<UpdateServiceRequest> u = updates();
    return u.get(u.size() - 1).getService();
  }

  static TrafficTarget target(String revision, int percent, String tag) {
    return TrafficPlan.target(revision, percent, tag);
  }

  private static String shortName(String name) {
    return name.substring(name.lastIndexOf('/') + 1);
  }

  private static int get(String url) {
    try {
      return HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      throw new AssertionError("GET " + url + " failed", e);
    }
  }
}
