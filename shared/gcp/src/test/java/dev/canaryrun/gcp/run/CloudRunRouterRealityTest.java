package dev.canaryrun.gcp.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetAllocationType;
import com.google.cloud.run.v2.UpdateServiceRequest;
import dev.canaryrun.gcp.decode.BuildRelease;
import dev.canaryrun.local.LocalCloudRun;
import dev.canaryrun.local.LocalControlPlane;
import dev.canaryrun.port.InvocationDeadline;
import dev.canaryrun.port.PermanentFailure;
import dev.canaryrun.port.TrafficRouter.Deployment;
import dev.canaryrun.port.TrafficRouter.TakenBack;
import dev.canaryrun.port.TrafficRouter.TrafficOverridden;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.rollout.Effect.DeployRevision;
import dev.canaryrun.rollout.Effect.SetTraffic;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The router against the ways real Cloud Run differs from a tidy picture of it: builds that
 * deploy with traffic (continuous deployment), reconciliation, hand-made traffic changes,
 * the 409 revision clash, same-named services in two regions.
 */
class CloudRunRouterRealityTest {
  static final String PROJECT = "local-project";
  static final String REGION = "us-central1";
  static final String PARENT = "projects/" + PROJECT + "/locations/" + REGION;
  static final String TAG = "canary";
  static final String CD_IMAGE = "us-central1-docker.pkg.dev/local-project/cloud-run-source-deploy/"
      + "app/app:4be5f0a1c6d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6";
  static final String BUILT = "us-central1-docker.pkg.dev/local-project/cloud-run-source-deploy/"
      + "app/app@sha256:7d3e4c1b9a0f8e2d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170615";

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
        new CloudRunClients.Limits(Duration.ofSeconds(5), 3, Duration.ofSeconds(4)));
    router = new CloudRunTrafficRouter(clients, PROJECT);
  }

  @AfterAll
  static void stop() {
    clients.close();
    plane.close();
  }

  @BeforeEach
  void createService() {
    run = plane.cloudRun();
    service = "svc-" + UUID.randomUUID().toString().substring(0, 8);
    Service created = run.createService(PARENT, service, "localhost/demo/app:v1");
    serviceName = created.getName();
    stable = shortName(created.getLatestReadyRevision());
    run.calls().clear();
  }

  @AfterEach
  void reset() {
    run.setReconcileDelay(Duration.ZERO);
    run.setEtagEnforced(true);
    run.revisionClashNext(0);
  }

  @Test
  void revisionNamesHaveCloudRunsShape() {
    // palios-taey-00007-2gd: 5 digits and 3 lowercase letters or digits.
    assertTrue(stable.matches(service + "-\\d{5}-[a-z0-9]{3}"), stable);
  }

  @Test
  void aContinuousDeploymentBuildOnLatestIsAdoptedAndItsExposureTakenBack() {
    String built = continuousDeploymentBuild("b-1");
    assertEquals(Map.of(built, 100), router.readTraffic(REGION, service).percentByRevision(),
        "the service followed LATEST: the build's revision serves everyone");

    String found = new CloudRunRevisionLocator(clients, PROJECT).deployedBy(release("b-1"));
    Deployment d = router.deploy(new DeployRevision(service, REGION, BUILT, found, TAG, true));

    assertEquals(built, found, "found by the build's gcb-build-id label");
    assertEquals(built, d.candidateRevision());
    assertEquals(stable, d.stableRevision(), "stable is what served before the change");
    assertNotEquals(d.candidateRevision(), d.stableRevision());
    assertEquals(new TakenBack(100, true), d.takenBack());
    assertEquals("the build deployed " + built + " serving 100% via LATEST; taken back to 0%, "
        + "stable " + stable + " pinned", d.takenBack().describe(built, stable));
    assertEquals(Map.of(stable, 100), router.readTraffic(REGION, service).percentByRevision());
    assertEquals(built, router.readTraffic(REGION, service).revisionByTag().get(TAG));
    assertTrue(lastUpdate().getTrafficList().stream().noneMatch(t ->
        t.getType() == TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST),
        "pinned: a later plain deploy lands at 0%");
  }

  @Test
  void aContinuousDeploymentBuildOnAPinnedServiceIsTaggedAtZeroWithNothingTakenBack() {
    // Pins the service, as every rollout leaves it.
    router.setTraffic(new SetTraffic(service, REGION, stable, stable, TAG, 100));
    String built = continuousDeploymentBuild("b-2");

    Deployment d = router.deploy(new DeployRevision(service, REGION, BUILT,
        new CloudRunRevisionLocator(clients, PROJECT).deployedBy(release("b-2")), TAG, true));

    assertEquals(built, d.candidateRevision());
    assertNull(d.takenBack());
    assertEquals(Map.of(stable, 100), router.readTraffic(REGION, service).percentByRevision());
  }

  @Test
  void withoutALabelTheBuildsRevisionIsFoundByItsImage() {
    Service s = run.getService(serviceName).orElseThrow();
    run.updateService(s.toBuilder().setTemplate(s.getTemplate().toBuilder()
        .setContainers(0, Container.newBuilder().setImage(CD_IMAGE))).build());
    String built = shortName(run.getService(serviceName).orElseThrow().getLatestReadyRevision());
    assertEquals(built, new CloudRunRevisionLocator(clients, PROJECT).deployedBy(release("x")));
    TransientFailure f = assertThrows(TransientFailure.class, () ->
        new CloudRunRevisionLocator(clients, PROJECT).deployedBy(new BuildRelease(
            build("y", BUILT.replace("7d3e", "0000")), BuildRelease.Origin.BUILD_DEPLOYED,
            "other")));
    assertTrue(f.getMessage().contains("no revision"), f.getMessage());
  }

  @Test
  void theInvocationsDeadlineCutsTheRoutersWaitShortAndNoWriteStartsPastIt() {
    String candidate = service + "-v2";
    router.deploy(new DeployRevision(service, REGION, "localhost/demo/app:v2", candidate, TAG,
        false));
    router.setTraffic(split(candidate, 5));

    // Past the deadline nothing is written: the intent stays recorded in Firestore only.
    TransientFailure late = assertThrows(TransientFailure.class, () -> InvocationDeadline
        .within(Instant.now().minusMillis(1), () -> {
          router.setTraffic(split(candidate, 20));
          return null;
        }));
    assertTrue(late.getMessage().contains("the invocation's deadline"), late.getMessage());
    assertEquals(5, TrafficBaseline.split(run.getService(serviceName).orElseThrow()
        .getTrafficList(), "").get(candidate), "no UpdateService was sent");

    // A wait ends at the invocation's deadline (1.2 s), not at the router's own 4 s.
    run.setReconcileDelay(Duration.ofSeconds(30));
    Instant before = Instant.now();
    assertThrows(TransientFailure.class, () -> InvocationDeadline.within(
        before.plusMillis(1200), () -> {
          router.setTraffic(split(candidate, 20));
          return null;
        }));
    Duration waited = Duration.between(before, Instant.now());
    assertTrue(waited.compareTo(Duration.ofMillis(2500)) < 0, "waited " + waited);
    assertEquals(20, TrafficBaseline.split(run.getService(serviceName).orElseThrow()
        .getTrafficList(), "").get(candidate), "the write went out in time and is recorded");
  }

  @Test
  void aReconcilingServiceIsNeverReadAsFinalAndTheWaitEndsWithinTheDeadline() {
    String candidate = service + "-v2";
    router.deploy(new DeployRevision(service, REGION, "localhost/demo/app:v2", candidate, TAG,
        false));
    run.setReconcileDelay(Duration.ofMillis(1500));

    router.setTraffic(split(candidate, 5));
    // The write returned only once Cloud Run had reconciled: statuses are final.
    Service after = run.getService(serviceName).orElseThrow();
    assertTrue(!after.getReconciling());
    assertEquals(5, router.readTraffic(REGION, service).percentOf(candidate));

    run.setReconcileDelay(Duration.ofSeconds(30));
    Instant before = Instant.now();
    TransientFailure f = assertThrows(TransientFailure.class,
        () -> router.setTraffic(split(candidate, 20)));
    Duration waited = Duration.between(before, Instant.now());
    assertTrue(waited.compareTo(Duration.ofSeconds(4).plusMillis(1500)) < 0,
        "bounded by the 4 s budget: " + waited);
    assertTrue(f.getMessage().contains("deadline") || f.getMessage().contains("reconciling"),
        f.getMessage());
    Service mid = run.getService(serviceName).orElseThrow();
    assertTrue(mid.getReconciling());
    assertEquals(5, router.readTraffic(REGION, service).percentOf(candidate),
        "statuses are still the old ones while reconciling");
    assertEquals(20, TrafficBaseline.split(mid.getTrafficList(), "").get(candidate),
        "but the intent is recorded at Cloud Run: the next event confirms it");

    run.setReconcileDelay(Duration.ZERO);
    TransientFailure again = assertThrows(TransientFailure.class,
        () -> router.setTraffic(split(candidate, 20)),
        "a redelivery while still reconciling waits again rather than confirm a transient split");
    assertTrue(again.getMessage().contains("reconciling"), again.getMessage());
  }

  @Test
  void aHandMadeTrafficChangeIsReportedNotOverwrittenEvenWithoutEtags() {
    run.setEtagEnforced(false);
    String candidate = service + "-v2";
    router.deploy(new DeployRevision(service, REGION, "localhost/demo/app:v2", candidate, TAG,
        false));
    router.setTraffic(split(candidate, 5));
    // alice runs: gcloud run services update-traffic svc --to-revisions=svc-v2=50,...=50
    Service s = run.getService(serviceName).orElseThrow();
    run.updateServiceAs("alice@example.com", s.toBuilder().clearTraffic()
        .addTraffic(target(stable, 50, "")).addTraffic(target(candidate, 50, TAG)).build(),
        List.of("traffic"));
    int writes = updates().size();

    TrafficOverridden o = assertThrows(TrafficOverridden.class,
        () -> router.setTraffic(split(candidate, 20)));

    assertEquals(Map.of(stable, 95, candidate, 5), o.applied());
    assertEquals(Map.of(stable, 50, candidate, 50), o.serving());
    assertEquals("alice@example.com", o.modifiedBy());
    assertTrue(o.getMessage().contains("alice@example.com"), o.getMessage());
    assertTrue(o instanceof PermanentFailure, "today's engine logs it and does not retry");
    assertEquals(writes, updates().size(), "nothing was written over alice's split");
    assertEquals(50, router.readTraffic(REGION, service).percentOf(candidate));

    // A rollback is protection, not progress: it goes through over the hand-made split.
    router.setTraffic(split(candidate, 0));
    assertEquals(Map.of(stable, 100), router.readTraffic(REGION, service).percentByRevision());
  }

  @Test
  void canaryrunsOwnStepsAreNotMistakenForOverrides() {
    String candidate = service + "-v2";
    router.deploy(new DeployRevision(service, REGION, "localhost/demo/app:v2", candidate, TAG,
        false));
    for (int p : new int[] {5, 20, 50, 100, 0}) {
      router.setTraffic(split(candidate, p));
      router.setTraffic(split(candidate, p)); // redelivered
    }
    assertEquals(Map.of(stable, 100), router.readTraffic(REGION, service).percentByRevision());
  }

  @Test
  void theRevisionClash409IsPermanentAndNotRetriedInVain() {
    run.revisionClashNext(5);
    PermanentFailure f = assertThrows(PermanentFailure.class, () -> router.deploy(
        new DeployRevision(service, REGION, "localhost/demo/app:v2", service + "-v2", TAG,
            false)));
    assertTrue(f.getMessage().contains("different configuration already exists"),
        f.getMessage());
    assertEquals(1, updates().size(), "ABORTED would be retried as an etag race; this is not");
  }

  @Test
  void sameNamedServicesInTwoRegionsAreRoutedApart() {
    String other = "projects/" + PROJECT + "/locations/europe-west1";
    run.createService(other, service, "localhost/demo/app:v1");
    String candidate = service + "-abc1234";
    router.deploy(new DeployRevision(service, REGION, "localhost/demo/app:v2", candidate, TAG,
        false));
    router.deploy(new DeployRevision(service, "europe-west1", "localhost/demo/app:v2", candidate,
        TAG, false));
    router.setTraffic(split(candidate, 50));

    assertEquals(50, router.readTraffic(REGION, service).percentOf(candidate));
    assertEquals(0, router.readTraffic("europe-west1", service).percentOf(candidate));
    assertNotEquals(run.revisionKey(serviceName + "/revisions/" + candidate),
        run.revisionKey(other + "/services/" + service + "/revisions/" + candidate));
  }

  // ------------------------------------------------------------------ helpers

  /**
   * What the stock continuous-deployment build's Deploy step does: {@code gcloud run services
   * update SVC --image=...:$COMMIT_SHA --labels=managed-by=gcp-cloud-build-deploy-cloud-run,
   * gcb-build-id=$BUILD_ID,...} (real-samples: the Mozilla trigger config), traffic untouched.
   */
  private String continuousDeploymentBuild(String buildId) {
    Service s = run.getService(serviceName).orElseThrow();
    run.updateServiceAs("123-compute@developer.gserviceaccount.com", s.toBuilder()
        .putLabels("managed-by", "gcp-cloud-build-deploy-cloud-run")
        .putLabels("gcb-build-id", buildId)
        .setTemplate(s.getTemplate().toBuilder().clearRevision()
            .putLabels("managed-by", "gcp-cloud-build-deploy-cloud-run")
            .putLabels("gcb-build-id", buildId)
            .putLabels("commit-sha", "4be5f0a1c6d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6")
            .setContainers(0, Container.newBuilder().setImage(CD_IMAGE)))
        .build(), List.of());
    String built = shortName(run.getService(serviceName).orElseThrow().getLatestReadyRevision());
    run.calls().clear();
    return built;
  }

  private BuildRelease release(String buildId) {
    return new BuildRelease(build(buildId, BUILT), BuildRelease.Origin.BUILD_DEPLOYED,
        "4be5f0a1c6d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6");
  }

  private BuildSucceeded build(String buildId, String image) {
    return new BuildSucceeded("build:" + buildId, Instant.parse("2026-03-01T10:00:00Z"), service,
        REGION, image, buildId, null);
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

  private static TrafficTarget target(String revision, int percent, String tag) {
    return TrafficPlan.target(revision, percent, tag);
  }

  private static String shortName(String name) {
    return name.substring(name.lastIndexOf('/') + 1);
  }
}
