package dev.canaryrun.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.judge.JudgeState;
import dev.canaryrun.judge.Judgement;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.memory.InMemoryEventPublisher;
import dev.canaryrun.memory.InMemoryPolicyStore;
import dev.canaryrun.memory.InMemoryRolloutStore;
import dev.canaryrun.policy.PolicyJson;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.port.DrillIncidents;
import dev.canaryrun.port.DrillProbe;
import dev.canaryrun.port.DrillReports;
import dev.canaryrun.report.DrillReport;
import dev.canaryrun.rollout.DrillCheck;
import dev.canaryrun.rollout.Effect.FireDrillIncident;
import dev.canaryrun.rollout.NotificationType;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import dev.canaryrun.rollout.RolloutIds;
import dev.canaryrun.rollout.RolloutState;
import dev.canaryrun.service.HandleResult.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rollback drills through RolloutService on in-memory ports: the drill incident is "delivered"
 * by handing it to {@link RolloutService#onAlert}, as OnAlertFired would.
 */
class DrillServiceTest {
  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  static final String SVC = "checkout";
  static final String STABLE = "checkout-00041-abc";
  static final String IMAGE = "europe-docker.pkg.dev/p/app/checkout@sha256:" + "c".repeat(64);

  MutableClock clock;
  InMemoryRolloutStore store;
  FakeCloudRun run;
  InMemoryEventPublisher events;
  final List<FireDrillIncident> fired = new ArrayList<>();
  final Map<String, DrillReport> reports = new ConcurrentHashMap<>();
  RolloutService service;

  @BeforeEach
  void setUp() throws Exception {
    start(RolloutPolicy.defaults());
  }

  void start(RolloutPolicy policy) {
    clock = new MutableClock(T0);
    store = new InMemoryRolloutStore(clock);
    run = new FakeCloudRun().serving(SVC, STABLE);
    events = new InMemoryEventPublisher();
    DrillProbe probe = new DrillProbe() {
      @Override
      public Stable stable(String service, String region) {
        return new Stable(STABLE, IMAGE);
      }

      @Override
      public List<DrillCheck> preflight(String service, String region) {
        return List.of(DrillCheck.pass(DrillReport.PERMISSIONS, "held", clock.instant()),
            DrillCheck.pass(DrillReport.ALERT_POLICIES, "2 policies", clock.instant()));
      }

      @Override
      public DrillReport.Served served(String service, String region, String revision) {
        return new DrillReport.Served(run.percentOf(service, revision), clock.instant(), "read");
      }
    };
    DrillIncidents incidents = fired::add;
    DrillReports stored = new DrillReports() {
      @Override
      public boolean save(DrillReport r) {
        return reports.putIfAbsent(r.rolloutId(), r) == null;
      }

      @Override
      public Optional<DrillReport> find(String id) {
        return Optional.ofNullable(reports.get(id));
      }

      @Override
      public List<DrillReport> ofService(String s, int limit) {
        return reports.values().stream().filter(r -> r.service().equals(s))
            .sorted(Comparator.comparing(DrillReport::startedAt).reversed()).limit(limit)
            .toList();
      }
    };
    if (service != null) {
      service.close();
    }
    service = new RolloutService(store, new InMemoryPolicyStore().watch(SVC, "europe-west1",
        policy), run, query -> Map.of(), run, events,
        (state, settings, input) -> new Judgement(Verdict.of(dev.canaryrun.judge.Outcome
            .INCONCLUSIVE, "test judge"), state),
        clock, Duration.ofHours(1), 2, new Drills(probe, incidents, stored));
  }

  @AfterEach
  void stop() {
    service.close();
  }

  private HandleResult drill(String eventId, Instant notAfter) {
    return service.onDrill(new DrillRequest(eventId, clock.instant(), SVC, null,
        "alice@example.com", "weekly drill", notAfter));
  }

  private HandleResult deliver(FireDrillIncident f, Instant publishedAt) {
    return service.onAlert(new AlertRequest("alert:" + f.incidentId(), clock.instant(), SVC,
        f.revision(), "europe-west1", f.incidentId(), true, "canaryrun rollback drill", "drill",
        publishedAt, f.rolloutId()));
  }

  @Test
  void aDrillGoesToItsFirstStepFiresItsIncidentAndEndsWithAPassedReport() {
    HandleResult started = drill("command:1", null);
    String id = RolloutIds.forDrill(SVC, "command:1");
    assertEquals(Status.APPLIED, started.status(), started.message());
    assertEquals(RolloutState.CANARY, started.state());
    assertEquals(5, run.percentOf(SVC, id));
    assertEquals(IMAGE, store.find(id).orElseThrow().image());
    assertEquals(1, fired.size());
    Instant published = clock.instant();
    clock.advance(Duration.ofMillis(40));
    HandleResult rolledBack = deliver(fired.get(0), published);
    assertEquals(RolloutState.ROLLED_BACK, rolledBack.state(), rolledBack.message());
    assertEquals(0, run.percentOf(SVC, id));
    DrillReport r = reports.get(id);
    assertEquals(DrillReport.Outcome.PASSED, r.outcome(), r.lines().toString());
    assertEquals(40L, r.alertToDecisionMillis());
    assertTrue(events.notifications().stream().anyMatch(n -> n.notification().type()
        == NotificationType.DRILL_REPORTED && n.notification().details().containsKey(
            "drillReport")));
    assertTrue(events.notifications().stream().filter(n -> n.rolloutId().equals(id))
        .allMatch(n -> Boolean.TRUE.equals(n.notification().details().get("drill"))));
    // a redelivered incident changes nothing and publishes no second report
    deliver(fired.get(0), published);
    assertEquals(1, events.notifications().stream().filter(n -> n.notification().type()
        == NotificationType.DRILL_REPORTED).count());
  }

  @Test
  void aScheduledDrillDeliveredAfterItsWindowDoesNotStartAndSaysSo() {
    Instant windowEnd = clock.instant().minusSeconds(1);
    HandleResult late = drill("tick:9", windowEnd);
    assertEquals(Status.IGNORED, late.status());
    String id = RolloutIds.forDrill(SVC, "tick:9");
    assertTrue(store.find(id).isEmpty());
    assertEquals(DrillReport.Outcome.REFUSED, reports.get(id).outcome());
    assertTrue(reports.get(id).summary().contains("window closed"), reports.get(id).summary());
    // redelivered inside no window at all: still not started
    assertEquals(Status.DUPLICATE, drill("tick:9", null).status());
    assertTrue(store.find(id).isEmpty());
  }

  @Test
  void anObserveOnlyServiceIsNeverDrilled() throws Exception {
    start(PolicyJson.parse("{\"mode\": \"observe\"}"));
    HandleResult h = drill("command:2", null);
    assertEquals(Status.REJECTED, h.status());
    assertTrue(h.message().contains("observe-only"), h.message());
    assertTrue(fired.isEmpty());
  }

  @Test
  void aBuildSupersedesADrillEvenWhenThePolicyIgnoresNewerBuilds() throws Exception {
    start(PolicyJson.parse("{\"onNewBuild\": \"ignore\"}"));
    Instant buildFinished = clock.instant();
    clock.advance(Duration.ofSeconds(1));
    drill("command:3", null);
    String id = RolloutIds.forDrill(SVC, "command:3");
    clock.advance(Duration.ofSeconds(1));
    // The build finished before the drill command, and is delivered after it: it is no older
    // than the service's last release, so it must still supersede the drill.
    HandleResult build = service.onBuildSucceeded(new BuildSucceeded("build:1", buildFinished,
        SVC, "europe-west1", IMAGE.replace('c', 'd'), "b0000001", null));
    assertEquals(Status.APPLIED, build.status(), build.message());
    Rollout drill = store.find(id).orElseThrow();
    assertEquals(RolloutState.SUPERSEDED, drill.state());
    assertEquals(0, run.percentOf(SVC, id));
    assertEquals(DrillReport.Outcome.SUPERSEDED, reports.get(id).outcome());
    // the drill incident, late, does not touch the release
    HandleResult late = deliver(fired.get(0), clock.instant());
    assertEquals(RolloutState.CANARY, store.find(RolloutIds.forBuild(SVC, "b0000001"))
        .orElseThrow().state(), late.message());
  }
}
