package dev.canaryrun.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetAllocationType;
import dev.canaryrun.fixtures.Fixtures;
import dev.canaryrun.fixtures.emulator.EmulatorEnvironment;
import dev.canaryrun.fixtures.emulator.WithEmulators;
import dev.canaryrun.local.LocalCloudRun;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The deploy paths other than canaryrun's own, end to end (Pub/Sub and Firestore emulators,
 * the real Functions Framework invoker, the local Cloud Run): the stock continuous-deployment
 * build that already deployed the image on a service following LATEST (with its audit-log twin
 * reporting the same change), a build that deployed at 0% with a tag, a console deploy seen
 * only in Cloud Run's audit log, a traffic-only change, an incident from another region on a
 * same-named revision, and a hand-made traffic change mid-rollout.
 */
@WithEmulators
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeployPathsEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(25);
  private static final String CD_SA = "123-compute@developer.gserviceaccount.com";

  private EndToEndHarness h;
  private ServiceMoves moves;
  private final Map<List<String>, Double> traffic = new ConcurrentHashMap<>();
  private final LogCapture log = new LogCapture();

  @BeforeAll
  void start(EmulatorEnvironment env) throws Exception {
    h = new EndToEndHarness(env.firestoreHost(), env.pubsubHost(), env.projectId(), true);
    h.tickEvery(Duration.ofSeconds(1));
    h.trafficEvery100ms(() -> traffic);
    moves = new ServiceMoves(h);
  }

  @AfterAll
  void stop() {
    log.close();
    if (h != null) {
      h.close();
    }
  }

  @Test
  void theStockContinuousDeploymentBuildOnLatestIsTakenBackAndRolledOutOnce() throws Exception {
    String stable = h.watch("cdshop", FunctionsEndToEndTest.POLICY);
    String buildId = UUID.randomUUID().toString();
    String sha = "4be5f0a1c6d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6";
    String repo = "europe-west1-docker.pkg.dev/" + h.project + "/cloud-run-source-deploy/cdshop/"
        + "cdshop";
    Instant requested = Instant.now().minusSeconds(1);
    String built = servicesUpdate("cdshop", CD_SA, repo + ":" + sha, buildId);
    assertEquals(100, percentOf("cdshop", built), "LATEST: the build's revision serves all");
    traffic.put(List.of("cdshop", stable), 0.0);
    traffic.put(List.of("cdshop", built), 0.0);

    // Cloud Build reports the build; Cloud Run's audit log reports the same change.
    h.publish("cloud-builds", Fixtures.edit("cloudbuild/build-success-cd-services-update.json")
        .set("/id", buildId).set("/projectId", h.project)
        .set("/finishTime", Instant.now().toString())
        .set("/substitutions/_SERVICE_NAME", "cdshop")
        .set("/substitutions/_DEPLOY_REGION", EndToEndHarness.REGION)
        .set("/substitutions/COMMIT_SHA", sha)
        .set("/results/images", List.of(Map.of("name", repo, "digest",
            "sha256:" + "ab".repeat(32)))).text(), Map.of("buildId", buildId, "status", "SUCCESS"));
    h.publish("canaryrun-revisions", auditEntry("cdshop", built, CD_SA, requested),
        Map.of());

    Rollout r = h.await(built, RolloutState.CANARY, WAIT);
    assertEquals(built, r.candidateRevision(), "the build's revision is adopted, not redeployed");
    assertEquals(stable, r.stableRevision(), "stable is what served before the change");
    assertNotEquals(r.candidateRevision(), r.stableRevision());
    assertEquals(2, h.plane.cloudRun().revisions(serviceName("cdshop")).size(),
        "no second revision of the same image");
    assertTrue(percentOf("cdshop", built) <= 10, "exposure taken back, then the first step");
    assertTrue(pinned("cdshop"), "pinned: a later plain deploy comes in at 0%");
    h.await(built, RolloutState.PROMOTED, Duration.ofSeconds(30));
    assertEquals(1, h.store.pointer("cdshop", EndToEndHarness.REGION).stream().count());
    assertEquals(built, h.store.pointer("cdshop", EndToEndHarness.REGION).orElseThrow().lastRolloutId(),
        "the build and the audit log started one rollout");
  }

  @Test
  void aConsoleDeploySeenOnlyInTheAuditLogStartsARollout() throws Exception {
    String stable = h.watch("console", FunctionsEndToEndTest.POLICY);
    Instant requested = Instant.now().minusSeconds(1);
    String built = servicesUpdate("console", "alice@example.com", "localhost/demo/app:v2", null);

    h.publish("canaryrun-revisions", auditEntry("console", built, "alice@example.com",
        requested), Map.of());

    Rollout r = h.await(built, RolloutState.CANARY, WAIT);
    assertEquals(stable, r.stableRevision());
    assertTrue(percentOf("console", built) <= 10);
  }

  @Test
  void aBuildThatDeploysAtZeroWithATagIsAdoptedUnderTheRevisionsName() throws Exception {
    String stable = h.watch("adopted", FunctionsEndToEndTest.POLICY);
    // gcloud run deploy adopted --image=... --no-traffic --tag=canary --revision-suffix=4be5f0a
    LocalCloudRun run = h.plane.cloudRun();
    Service s = run.getService(serviceName("adopted")).orElseThrow();
    run.updateServiceAs(CD_SA, s.toBuilder()
        .setTemplate(s.getTemplate().toBuilder().setRevision("adopted-4be5f0a")
            .setContainers(0, Container.newBuilder().setImage("localhost/demo/app:v2")))
        .clearTraffic().addTraffic(target(stable, 100, ""))
        .addTraffic(target("adopted-4be5f0a", 0, "canary")).build(), List.of());
    String buildId = UUID.randomUUID().toString();
    h.publish("cloud-builds", Fixtures.edit("cloudbuild/build-success-adopt.json")
        .set("/id", buildId).set("/projectId", h.project)
        .set("/finishTime", Instant.now().toString())
        .set("/substitutions/_SERVICE_NAME", "adopted")
        .set("/substitutions/_DEPLOY_REGION", EndToEndHarness.REGION).text(),
        Map.of("buildId", buildId, "status", "SUCCESS"));

    Rollout r = h.await("adopted-4be5f0a", RolloutState.CANARY, WAIT);
    assertEquals(stable, r.stableRevision());
    assertTrue(r.adopt());
  }

  @Test
  void anIncidentOnASameNamedRevisionInAnotherRegionChangesNothing() throws Exception {
    h.watch("twin", FunctionsEndToEndTest.POLICY); // no traffic: the judge stays inconclusive
    String id = h.publishBuild("twin");
    h.await(id, RolloutState.CANARY, WAIT);
    // The same build deployed to us-east1 with --revision-suffix has the same revision name.
    h.publish("canaryrun-alerts", Fixtures.edit("monitoring/incident-open-canary.json")
        .set("/incident/incident_id", "0." + UUID.randomUUID().toString().substring(0, 12))
        .set("/incident/started_at", Instant.now().getEpochSecond())
        .set("/incident/resource/labels/service_name", "twin")
        .set("/incident/resource/labels/revision_name", id)
        .set("/incident/resource/labels/location", "us-east1").text(), Map.of());
    Thread.sleep(3000);
    Rollout r = h.rollout(id).orElseThrow();
    assertEquals(RolloutState.CANARY, r.state(), "not rolled back by another region's alert");

    h.publishIncident("twin", id, true); // the fixture's own region: this rollout's
    h.await(id, RolloutState.ROLLED_BACK, Duration.ofSeconds(10));
  }

  @Test
  void aTrafficOnlyChangeInTheAuditLogStartsNothing() throws Exception {
    String stable = h.watch("quietsvc", FunctionsEndToEndTest.POLICY);
    Instant requested = Instant.now().plusSeconds(60); // the revision is older than the call
    h.publish("canaryrun-revisions", auditEntry("quietsvc", stable, "bob@example.com",
        requested), Map.of());
    Thread.sleep(3000);
    assertTrue(h.store.pointer("quietsvc", EndToEndHarness.REGION).isEmpty(), "no rollout of the serving revision");
    assertEquals(100, percentOf("quietsvc", stable));
  }

  @Test
  void aHandMadeTrafficChangeMidRolloutIsNotOverwritten() throws Exception {
    String stable = h.watch("manual", FunctionsEndToEndTest.POLICY);
    String id = h.publishBuild("manual");
    traffic.put(List.of("manual", stable), 0.0);
    traffic.put(List.of("manual", id), 0.0); // healthy: the judge wants the next step
    h.await(id, RolloutState.CANARY, WAIT);
    LocalCloudRun run = h.plane.cloudRun();
    run.setEtagEnforced(false); // canaryrun must not rely on etags
    Service s = run.getService(serviceName("manual")).orElseThrow();
    // An operator: gcloud run services update-traffic manual --to-revisions=...=70,...=30
    run.updateServiceAs("alice@example.com", s.toBuilder().clearTraffic()
        .addTraffic(target(stable, 70, "")).addTraffic(target(id, 30, "canary")).build(),
        List.of("traffic"));

    // Ticks judge the healthy canary and want the next step (after the 2 s dwell): each
    // attempt must be refused, never written.
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (refusals() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(refusals() >= 2, "the router refused to overwrite it, naming who changed it");
    assertEquals(30, percentOf("manual", id), "the operator's split stands");
    assertNotEquals(RolloutState.PROMOTED, h.rollout(id).orElseThrow().state());

    // Protection still works over the hand-made split: an alert takes the candidate out.
    h.publishIncident("manual", id, true);
    h.await(id, RolloutState.ROLLED_BACK, WAIT);
    assertEquals(0, percentOf("manual", id));
    run.setEtagEnforced(true);
  }

  // ------------------------------------------------------------------ helpers

  private long refusals() {
    return log.at(Level.SEVERE).stream().filter(l -> l.getMessage().contains(
        "changed outside canaryrun by alice@example.com")).count();
  }

  /** What `gcloud run services update SVC --image=... --labels=...` does; the new revision. */
  private String servicesUpdate(String service, String principal, String image, String buildId) {
    LocalCloudRun run = h.plane.cloudRun();
    Service s = run.getService(serviceName(service)).orElseThrow();
    var template = s.getTemplate().toBuilder().clearRevision()
        .setContainers(0, Container.newBuilder().setImage(image));
    if (buildId != null) {
      template.putLabels("managed-by", "gcp-cloud-build-deploy-cloud-run")
          .putLabels("gcb-build-id", buildId);
    }
    Service after = run.updateServiceAs(principal, s.toBuilder().setTemplate(template).build(),
        List.of());
    return after.getLatestCreatedRevision().substring(
        after.getLatestCreatedRevision().lastIndexOf('/') + 1);
  }

  private String auditEntry(String service, String revision, String principal,
      Instant requested) {
    return moves.auditEntry(service, revision, principal, requested);
  }

  private String serviceName(String service) {
    return moves.serviceName(service);
  }

  private int percentOf(String service, String revision) {
    return moves.percentOf(service, revision);
  }

  private boolean pinned(String service) {
    return h.plane.cloudRun().getService(serviceName(service)).orElseThrow().getTrafficList()
        .stream().noneMatch(t -> t.getType()
            == TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST);
  }

  private static TrafficTarget target(String revision, int percent, String tag) {
    return ServiceMoves.target(revision, percent, tag);
  }
}
