package dev.canaryrun.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.judge.Judgement;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.memory.InMemoryEventPublisher;
import dev.canaryrun.memory.InMemoryPolicyStore;
import dev.canaryrun.memory.InMemoryRolloutStore;
import dev.canaryrun.policy.PolicyJson;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.rollout.Limits;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import dev.canaryrun.rollout.RolloutState;
import dev.canaryrun.service.HandleResult.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 through the engine on in-memory ports: the policy's region is the region (defect
 * 7), a build from the future blocks nothing (defect 5), the stable-incident set is bounded
 * (defect 6), and a build from outside the policy's release rules deploys nothing (the forged
 * build). Each test failed on the code before the fix: the build deployed to us-central1 or to
 * the named region, the later build was ignored as out of order, the set grew without limit,
 * the attacker's image was deployed and given 5%.
 */
class ReleaseDoorTest {
  static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  static final String SVC = "checkout";
  static final String OURS = "europe-west1-docker.pkg.dev/shop-prod/app/checkout@sha256:";

  final MutableClock clock = new MutableClock(T0);
  final InMemoryRolloutStore store = new InMemoryRolloutStore(clock);
  final FakeCloudRun run = new FakeCloudRun().serving(SVC, "checkout-00041-abc");
  RolloutService service;

  @AfterEach
  void close() {
    service.close();
  }

  RolloutService watching(String policyJson) {
    service = new RolloutService(store,
        new InMemoryPolicyStore().watch(SVC, "europe-west1", PolicyJson.parse(policyJson)),
        run, query -> Map.of(), run, new InMemoryEventPublisher(),
        (state, settings, input) -> new Judgement(Verdict.of(Outcome.PASS, "test"), state),
        clock, Duration.ofHours(1));
    return service;
  }

  static BuildSucceeded build(String id, Instant at, String region, String image,
      String project, String trigger) {
    return new BuildSucceeded("msg-" + id, at, SVC, region, image, id, null, project, trigger);
  }

  @Test
  void aBuildNamingNoRegionDeploysToThePolicysRegion() {
    watching("{}");
    HandleResult r = service.onBuildSucceeded(build("a1b2c3d4", T0, null, OURS + "a".repeat(64),
        null, null));
    assertEquals(Status.APPLIED, r.status(), r.message());
    assertEquals("europe-west1", run.deploys.get(0).region());
    assertEquals("europe-west1", store.find(r.rolloutId()).orElseThrow().region());
  }

  @Test
  void aBuildNamingAnotherRegionIsRefusedWithTheReason() {
    watching("{}");
    HandleResult r = service.onBuildSucceeded(build("a1b2c3d4", T0, "us-east1",
        OURS + "a".repeat(64), null, null));
    assertEquals(Status.REJECTED, r.status());
    assertTrue(r.message().contains("us-east1") && r.message().contains("europe-west1"),
        r.message());
    assertTrue(run.deploys.isEmpty(), "nothing deployed");
  }

  @Test
  void aBuildFromTheFutureDoesNotBlockTheNextRealBuild() {
    watching("{}");
    HandleResult future = service.onBuildSucceeded(build("f0f0f0f0",
        T0.plus(Duration.ofDays(365)), "europe-west1", OURS + "f".repeat(64), null, null));
    assertEquals(Status.IGNORED, future.status(), future.message());
    assertTrue(future.message().contains("in the future"), future.message());
    HandleResult real = service.onBuildSucceeded(build("a1b2c3d4", T0, "europe-west1",
        OURS + "a".repeat(64), null, null));
    assertEquals(Status.APPLIED, real.status(), real.message());
  }

  @Test
  void aForgedBuildFromAnotherRegistryProjectOrTriggerDeploysNothing() {
    watching("{\"release\": {\"imagePrefixes\": [\"europe-west1-docker.pkg.dev/shop-prod/\"],"
        + " \"buildProjects\": [\"shop-prod\"], \"triggerIds\": [\"t-1\"]}}");
    String[][] forged = {
        {"docker.io/attacker/checkout@sha256:" + "e".repeat(64), "shop-prod", "t-1"},
        {"europe-west1-docker.pkg.dev/shop-prod-evil/app/checkout@sha256:" + "e".repeat(64),
            "shop-prod", "t-1"},
        {OURS + "e".repeat(64), "attacker-project", "t-1"},
        {OURS + "e".repeat(64), "shop-prod", "t-evil"},
        {OURS + "e".repeat(64), "shop-prod", null}};
    int n = 0;
    for (String[] f : forged) {
      HandleResult r = service.onBuildSucceeded(build("e0e0e0e" + n++, T0, null, f[0], f[1],
          f[2]));
      assertEquals(Status.REJECTED, r.status(), String.join(" ", f));
      assertTrue(r.message().contains("may not release checkout"), r.message());
    }
    assertTrue(run.deploys.isEmpty(), "no forged image deployed: " + run.deploys);
    HandleResult ours = service.onBuildSucceeded(build("a1b2c3d4", T0, null,
        OURS + "a".repeat(64), "shop-prod", "t-1"));
    assertEquals(Status.APPLIED, ours.status(), ours.message());
  }

  @Test
  void theStableIncidentSetIsBoundedHoweverManyAlertsArrive() {
    watching("{}");
    String id = service.onBuildSucceeded(build("a1b2c3d4", T0, null, OURS + "a".repeat(64),
        null, null)).rolloutId();
    Rollout r = store.find(id).orElseThrow();
    assertEquals(RolloutState.CANARY, r.state());
    for (int i = 0; i < 200; i++) {
      String incident = "0." + "x".repeat(Limits.MAX_INCIDENT_ID - 6) + String.format("%04d", i);
      service.onAlert(new AlertRequest("alert-" + i, clock.instant(), SVC, r.stableRevision(),
          null, incident, true, "p".repeat(Limits.MAX_POLICY_NAME), "s".repeat(Limits.MAX_SUMMARY)));
    }
    Rollout after = store.find(id).orElseThrow();
    assertEquals(Limits.MAX_STABLE_INCIDENTS, after.stableIncidents().size());
    int stored = after.stableIncidents().stream().mapToInt(String::length).sum();
    assertTrue(stored <= Limits.MAX_STABLE_INCIDENTS * Limits.MAX_INCIDENT_ID, "" + stored);
    // still operable: a rollback goes through
    HandleResult back = service.onCommand(new CommandRequest("cmd", clock.instant(), SVC, null,
        dev.canaryrun.rollout.CommandType.ROLLBACK, "alice@example.com", "bounded", null, null));
    assertEquals(Status.APPLIED, back.status(), back.message());
  }

  @Test
  void aPolicyWithoutReleaseRulesStillReleasesAnything() {
    watching("{}");
    assertEquals(RolloutPolicy.defaults().release(), PolicyJson.parse("{}").release());
    HandleResult r = service.onBuildSucceeded(build("a1b2c3d4", T0, null,
        "docker.io/anyone/checkout@sha256:" + "a".repeat(64), null, null));
    assertEquals(Status.APPLIED, r.status(), r.message());
  }
}
