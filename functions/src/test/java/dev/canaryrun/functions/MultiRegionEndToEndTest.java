package dev.canaryrun.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.run.v2.Service;
import dev.canaryrun.fixtures.emulator.EmulatorEnvironment;
import dev.canaryrun.fixtures.emulator.WithEmulators;
import dev.canaryrun.local.RevisionKey;
import dev.canaryrun.local.publish.CloudBuildMessages;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutIds;
import dev.canaryrun.rollout.RolloutState;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A release across three regions in two waves (europe-west1, then us-central1 and asia-east1),
 * end to end: the real functions (every message delivered twice), the Firestore and Pub/Sub
 * emulators, the local Cloud Run serving the three locations, each region judged on its own
 * region's metrics. A healthy release is promoted everywhere in wave order; one that fails in
 * the first region never reaches the others; a failure in the second wave rolls back the
 * first wave's region (onRegionFailure rollback), or leaves it (keep).
 */
@WithEmulators
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiRegionEndToEndTest {
  static final String EU = "europe-west1";
  static final String US = "us-central1";
  static final String ASIA = "asia-east1";
  static final List<String> REGIONS = List.of(EU, US, ASIA);

  static String policy(String onRegionFailure) {
    return """
        {"steps": [{"percent": 10, "minDwellSeconds": 2, "maxDwellSeconds": 60},
                   {"percent": 50, "minDwellSeconds": 2, "maxDwellSeconds": 60}],
         "metrics": {"alignmentPeriodSeconds": 1, "ingestDelaySeconds": 1},
         "smokeCheck": {"path": "/", "expectedStatus": 200, "attempts": 2, "timeoutSeconds": 2},
         "regions": ["europe-west1", "us-central1", "asia-east1"],
         "waves": [["europe-west1"], ["us-central1", "asia-east1"]],
         "onRegionFailure": "%s"}
        """.formatted(onRegionFailure);
  }

  private static final Duration WAIT = Duration.ofSeconds(40);

  private EndToEndHarness h;
  /** [service, region, revision] -> 5xx rate of the synthetic traffic it gets. */
  private final Map<List<String>, Double> traffic = new ConcurrentHashMap<>();
  private final ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();

  @BeforeAll
  void start(EmulatorEnvironment env) throws Exception {
    h = new EndToEndHarness(env.firestoreHost(), env.pubsubHost(), env.projectId(), true);
    h.tickEvery(Duration.ofSeconds(1));
    // Revisions of one release have one name in every region: samples carry their location.
    load.scheduleAtFixedRate(() -> {
      try {
        Instant now = Instant.now();
        traffic.forEach((k, errors) -> {
          RevisionKey key = new RevisionKey(h.project, k.get(1), k.get(0), k.get(2));
          for (int i = 0; i < EndToEndHarness.REQUESTS_PER_100MS; i++) {
            boolean error = i < Math.round(EndToEndHarness.REQUESTS_PER_100MS * errors);
            h.plane.monitoring().record(key, error ? 503 : 200, 40 + (i % 7) * 5, now);
          }
        });
      } catch (RuntimeException e) {
        // keep recording
      }
    }, 0, 100, TimeUnit.MILLISECONDS);
  }

  @AfterAll
  void stop() {
    load.shutdownNow();
    if (h != null) {
      h.close();
    }
  }

  @Test
  void aHealthyReleaseIsPromotedEverywhereWaveByWave() throws Exception {
    Map<String, String> stable = watch("globe", "rollback");
    String release = publishBuild("globe");
    healthy("globe", stable, release);

    Rollout eu = h.await(RolloutIds.inRelease(release, EU), RolloutState.PROMOTED, WAIT);
    Rollout us = h.await(RolloutIds.inRelease(release, US), RolloutState.PROMOTED, WAIT);
    Rollout asia = h.await(RolloutIds.inRelease(release, ASIA), RolloutState.PROMOTED, WAIT);
    for (Rollout r : List.of(eu, us, asia)) {
      assertEquals(release, r.releaseId());
      assertEquals(100, percentOf("globe", r.region(), release), r.region());
    }
    assertEquals(0, eu.spec().wave());
    assertEquals(1, us.spec().wave());
    // The second wave started only once the first was promoted everywhere.
    Instant euPromoted = promotedAt(eu);
    assertFalse(us.spec().createdAt().isBefore(euPromoted), us.spec().createdAt() + " < " + euPromoted);
    assertFalse(asia.spec().createdAt().isBefore(euPromoted));
    // Each region was judged on its own traffic and walked its own steps.
    for (Rollout r : List.of(eu, us, asia)) {
      assertEquals(List.of(10, 50, 100), h.store.audit(r.id()).stream()
          .filter(AuditEntry::shiftsTraffic).map(AuditEntry::trafficAfter).toList(), r.id());
    }
    assertTrue(h.store.audit(us.id()).get(0).message().contains("in us-central1 (release "
        + release + ", wave 2 of 2)"), h.store.audit(us.id()).get(0).message());
  }

  @Test
  void aReleaseThatFailsInTheFirstRegionNeverReachesTheOthers() throws Exception {
    Map<String, String> stable = watch("atlas", "rollback");
    String release = publishBuild("atlas");
    healthy("atlas", stable, release);
    traffic.put(List.of("atlas", EU, release), 0.4);

    Rollout eu = h.await(RolloutIds.inRelease(release, EU), RolloutState.ROLLED_BACK, WAIT);
    assertEquals("FAIL", eu.lastVerdict().outcome().name(), eu.reason());
    Thread.sleep(4000); // ticks go on: the release stays stopped
    for (String region : List.of(US, ASIA)) {
      assertTrue(h.rollout(RolloutIds.inRelease(release, region)).isEmpty(), region);
      assertEquals(100, percentOf("atlas", region, stable.get(region)), region);
      assertFalse(serves("atlas", region, release), "never deployed in " + region);
    }
  }

  @Test
  void aFailureInTheSecondWaveRollsBackTheFirstWavesRegion() throws Exception {
    Map<String, String> stable = watch("orbit", "rollback");
    String release = publishBuild("orbit");
    healthy("orbit", stable, release);
    traffic.put(List.of("orbit", US, release), 0.4);

    Rollout eu = h.await(RolloutIds.inRelease(release, EU), RolloutState.PROMOTED, WAIT);
    Rollout us = h.await(RolloutIds.inRelease(release, US), RolloutState.ROLLED_BACK, WAIT);
    assertEquals("FAIL", us.lastVerdict().outcome().name(), us.reason());
    Rollout euBack = h.await(eu.id(), RolloutState.ROLLED_BACK, WAIT);
    Rollout asia = h.await(RolloutIds.inRelease(release, ASIA), RolloutState.ROLLED_BACK, WAIT);
    for (String region : REGIONS) {
      assertEquals(100, percentOf("orbit", region, stable.get(region)), region);
    }
    AuditEntry stop = h.store.audit(euBack.id()).stream()
        .filter(a -> a.eventType().equals("ReleaseStopped")).findFirst().orElseThrow();
    assertTrue(stop.message().contains("release " + release + " stopped: stopped by"
        + " us-central1"), stop.message());
    assertTrue(stop.message().contains("promoted in this release (onRegionFailure rollback)"),
        stop.message());
    assertEquals("canaryrun (release)", stop.actor());
    assertTrue(asia.reason().contains("release " + release + " stopped")
        || h.store.audit(asia.id()).stream().anyMatch(a -> a.eventType().equals("ReleaseStopped")),
        asia.reason());
  }

  @Test
  void withKeepTheFirstWavesRegionKeepsTheRelease() throws Exception {
    Map<String, String> stable = watch("comet", "keep");
    String release = publishBuild("comet");
    healthy("comet", stable, release);
    traffic.put(List.of("comet", ASIA, release), 0.4);

    h.await(RolloutIds.inRelease(release, EU), RolloutState.PROMOTED, WAIT);
    h.await(RolloutIds.inRelease(release, ASIA), RolloutState.ROLLED_BACK, WAIT);
    h.await(RolloutIds.inRelease(release, US), RolloutState.ROLLED_BACK, WAIT);
    Thread.sleep(3000);
    assertEquals(RolloutState.PROMOTED,
        h.rollout(RolloutIds.inRelease(release, EU)).orElseThrow().state());
    assertEquals(100, percentOf("comet", EU, release));
    assertEquals(100, percentOf("comet", US, stable.get(US)));
  }

  @Test
  void commandsActOnTheWholeReleaseOrOnOneRegion() throws Exception {
    Map<String, String> stable = watch("relay", "rollback", """
        {"steps": [{"percent": 10, "minDwellSeconds": 2, "maxDwellSeconds": 60, "gate": {}}],
         "metrics": {"alignmentPeriodSeconds": 1, "ingestDelaySeconds": 1},
         "smokeCheck": {"path": "/", "expectedStatus": 200, "attempts": 2, "timeoutSeconds": 2},
         "regions": ["europe-west1", "us-central1", "asia-east1"]}
        """);
    String release = publishBuild("relay");
    healthy("relay", stable, release);
    String eu = RolloutIds.inRelease(release, EU);
    String us = RolloutIds.inRelease(release, US);
    String asia = RolloutIds.inRelease(release, ASIA);
    assertTrue(h.await(eu, RolloutState.PAUSED, WAIT).pause().gate());

    command("relay", "promote", null); // the release: its one region in flight
    h.await(eu, RolloutState.PROMOTED, WAIT);
    h.await(us, RolloutState.PAUSED, WAIT);
    h.await(asia, RolloutState.PAUSED, WAIT);

    command("relay", "promote", US); // one region: asia still waits at its gate
    h.await(us, RolloutState.PROMOTED, WAIT);
    Thread.sleep(2000);
    assertEquals(RolloutState.PAUSED, h.rollout(asia).orElseThrow().state());

    command("relay", "rollback", null); // the release, in all three regions
    for (String id : List.of(eu, us, asia)) {
      Rollout r = h.await(id, RolloutState.ROLLED_BACK, WAIT);
      assertTrue(h.store.audit(id).stream().anyMatch(a -> a.actor().equals("e2e@example.com")
          && a.eventType().equals("Command.ROLLBACK")), id);
      assertEquals(100, percentOf("relay", r.region(), stable.get(r.region())), id);
    }
  }

  // ---- the world ---------------------------------------------------------------------------

  /** The service in the three regions, watched; returns each region's stable revision. */
  private Map<String, String> watch(String service, String onRegionFailure) throws Exception {
    return watch(service, onRegionFailure, policy(onRegionFailure));
  }

  private Map<String, String> watch(String service, String onRegionFailure, String policy)
      throws Exception {
    Map<String, String> stable = new LinkedHashMap<>();
    for (String region : REGIONS) {
      Service s = h.plane.cloudRun().createService("projects/" + h.project + "/locations/"
          + region, service, EndToEndHarness.STABLE_IMAGE);
      String rev = s.getLatestReadyRevision();
      stable.put(region, rev.substring(rev.lastIndexOf('/') + 1));
    }
    h.db.collection("policies").document(service)
        .set(Map.of("policy", policy, "region", EU)).get();
    return stable;
  }

  /** A build that deploys to the first region; returns the release id. */
  private String publishBuild(String service) throws Exception {
    String buildId = UUID.randomUUID().toString();
    String image = "europe-west1-docker.pkg.dev/" + h.project + "/cloud-run-source-deploy/"
        + service + ":" + buildId.substring(0, 7);
    h.publish("cloud-builds", CloudBuildMessages.success(h.project, buildId, service, EU, image,
        Instant.now()), CloudBuildMessages.attributes(buildId, "SUCCESS"));
    return RolloutIds.forBuild(service, buildId);
  }

  private void command(String service, String command, String region) throws Exception {
    h.publish("canaryrun-commands", "{\"schemaVersion\":1,\"command\":\"" + command
        + "\",\"service\":\"" + service + "\""
        + (region == null ? "" : ",\"region\":\"" + region + "\"")
        + ",\"reason\":\"end-to-end test\",\"idToken\":\""
        + h.google.token("e2e@example.com", Instant.now().minusSeconds(5)) + "\"}", Map.of());
  }

  private void healthy(String service, Map<String, String> stable, String candidate) {
    for (String region : REGIONS) {
      traffic.put(List.of(service, region, stable.get(region)), 0.0);
      traffic.put(List.of(service, region, candidate), 0.0);
    }
  }

  private Service service(String service, String region) {
    return h.plane.cloudRun().getService("projects/" + h.project + "/locations/" + region
        + "/services/" + service).orElseThrow();
  }

  /** The revision's share as Cloud Run's traffic statuses give it (LATEST resolved). */
  private int percentOf(String service, String region, String revision) {
    return ServiceMoves.percentOf(service(service, region), revision);
  }

  private boolean serves(String service, String region, String revision) {
    return service(service, region).getTrafficList().stream()
        .anyMatch(t -> t.getRevision().endsWith(revision));
  }

  private Instant promotedAt(Rollout r) {
    return h.store.audit(r.id()).stream().filter(a -> a.to() == RolloutState.PROMOTED)
        .map(AuditEntry::at).findFirst().orElseThrow();
  }
}
