package dev.canaryrun.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.judge.JudgeState;
import dev.canaryrun.judge.Judgement;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.memory.InMemoryEventPublisher;
import dev.canaryrun.memory.InMemoryPolicyStore;
import dev.canaryrun.memory.InMemoryRolloutStore;
import dev.canaryrun.policy.ControlMode;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.CommandType;
import dev.canaryrun.rollout.NotificationType;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import dev.canaryrun.rollout.RolloutState;
import dev.canaryrun.service.HandleResult.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Observe-only mode through RolloutService: the team's pipeline moves traffic (here, by hand
 * on the fake), canaryrun judges at the split Cloud Run serves, and never writes to it.
 */
class ObserveModeTest {
  static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  static final String SVC = "checkout";
  static final String STABLE = "checkout-00041-abc";
  static final String CANDIDATE = "checkout-00042-k2x";

  MutableClock clock;
  InMemoryRolloutStore store;
  FakeCloudRun run;
  InMemoryEventPublisher events;
  Outcome verdict = Outcome.INCONCLUSIVE;
  /** The split each judgement was made at, in order. */
  final List<Integer> judgedAt = new ArrayList<>();
  RolloutService service;
  int ticks;

  @BeforeEach
  void setUp() {
    clock = new MutableClock(T0);
    store = new InMemoryRolloutStore(clock);
    run = new FakeCloudRun().serving(SVC, STABLE);
    events = new InMemoryEventPublisher();
    service = new RolloutService(store, new InMemoryPolicyStore().watch(SVC, "europe-west1",
        RolloutPolicy.defaults().withMode(ControlMode.OBSERVE)),
        run, query -> Map.of(), run, events,
        (state, settings, input) -> {
          judgedAt.add(input.canaryPercent());
          return new Judgement(Verdict.of(verdict, verdict + " by the test judge"),
              new JudgeState(input.finalUntil(), state.values()));
        },
        clock, Duration.ofHours(1));
  }

  @AfterEach
  void close() {
    service.close();
  }

  BuildSucceeded build(String buildId, String revision) {
    return new BuildSucceeded("msg-" + buildId, clock.instant(), SVC, "europe-west1",
        "europe-docker.pkg.dev/p/app/checkout@sha256:" + "b".repeat(64), buildId, revision);
  }

  /** What the team's pipeline does: {@code update-traffic --to-tags canary=p}. */
  void pipelineSets(int percent) {
    run.split.put(SVC, percent == 100 ? new java.util.HashMap<>(Map.of(CANDIDATE, 100))
        : new java.util.HashMap<>(Map.of(STABLE, 100 - percent, CANDIDATE, percent)));
  }

  void tickAfter(Duration d) {
    clock.advance(d);
    service.onTick(TickRequest.all("tick-" + (++ticks), clock.instant()));
  }

  String start() {
    HandleResult h = service.onBuildSucceeded(build("a1b2c3d4", CANDIDATE));
    assertEquals(Status.APPLIED, h.status(), h.message());
    return h.rolloutId();
  }

  List<NotificationType> notified() {
    return events.notifications().stream().map(p -> p.notification().type()).toList();
  }

  @Test
  void judgesAtTheSplitThePipelineSetsAndNeverWritesToCloudRun() {
    String id = start();
    Rollout r = store.find(id).orElseThrow();
    assertEquals(RolloutState.OBSERVING, r.state());
    assertEquals(STABLE, r.stableRevision());
    assertEquals(1, run.locates.size());
    pipelineSets(10);
    tickAfter(Duration.ofMinutes(2));
    verdict = Outcome.PASS;
    tickAfter(Duration.ofMinutes(1));
    tickAfter(Duration.ofMinutes(1)); // a PASS that stays PASS is not news
    pipelineSets(50);
    verdict = Outcome.INCONCLUSIVE;
    tickAfter(Duration.ofMinutes(1));

    assertEquals(List.of(10, 10, 10, 50), judgedAt, "judged at what Cloud Run serves");
    assertTrue(run.deploys.isEmpty(), "no deploy");
    assertTrue(run.trafficCalls.isEmpty(), "no traffic write");
    List<String> audit = store.audit(id).stream().map(AuditEntry::message).toList();
    assertEquals(1, audit.stream().filter(m -> m.contains("passed the candidate at 10%")).count(),
        audit.toString());
    assertTrue(audit.stream().anyMatch(m -> m.contains("serves the candidate 50% (was 10%)")),
        audit.toString());
    assertEquals(List.of(NotificationType.STARTED, NotificationType.VERDICT), notified());
    assertEquals("PASS", events.notifications().get(1).notification().details().get("outcome"));
    assertEquals(RolloutState.OBSERVING, store.find(id).orElseThrow().state());
  }

  @Test
  void aFailEndsTheObservationAndTellsThePipelineWithoutTouchingTraffic() {
    String id = start();
    pipelineSets(20);
    verdict = Outcome.FAIL;
    tickAfter(Duration.ofMinutes(2));
    Rollout r = store.find(id).orElseThrow();
    assertEquals(RolloutState.OBSERVED, r.state());
    assertEquals(Outcome.FAIL, r.lastVerdict().outcome());
    assertTrue(r.reason().contains("the judge failed the candidate at 20%"), r.reason());
    assertEquals(20, run.percentOf(SVC, CANDIDATE), "the split is the pipeline's to undo");
    assertTrue(run.trafficCalls.isEmpty());
    assertEquals(NotificationType.OBSERVED, notified().get(notified().size() - 1));
  }

  @Test
  void thePipelinesPromotionEndsItWithTheLastVerdict() {
    String id = start();
    pipelineSets(10);
    verdict = Outcome.PASS;
    tickAfter(Duration.ofMinutes(2));
    pipelineSets(100);
    tickAfter(Duration.ofMinutes(1));
    Rollout r = store.find(id).orElseThrow();
    assertEquals(RolloutState.OBSERVED, r.state());
    assertTrue(r.reason().contains("the pipeline moved 100% to the candidate; last verdict: PASS"),
        r.reason());
  }

  @Test
  void commandsAreRefusedBecauseThereIsNoTrafficToSteer() {
    String id = start();
    HandleResult h = service.onCommand(new CommandRequest("c1", clock.instant(), SVC, null,
        CommandType.ROLLBACK, "alice", "looks bad", null, null, null));
    assertEquals(Status.REJECTED, h.status(), h.message());
    assertTrue(h.message().contains("observe"), h.message());
    assertEquals(RolloutState.OBSERVING, store.find(id).orElseThrow().state());
    assertTrue(run.trafficCalls.isEmpty());
  }

  @Test
  void aBuildThatNamesNoRevisionStartsNothing() {
    HandleResult h = service.onBuildSucceeded(build("d00d", null));
    assertEquals(Status.IGNORED, h.status());
    assertTrue(h.message().contains("observed only"), h.message());
    assertTrue(run.deploys.isEmpty() && run.locates.isEmpty());
  }

  @Test
  void theTimeBudgetEndsAnObservationThatNeverDecides() {
    String id = start();
    pipelineSets(5);
    tickAfter(Duration.ofMinutes(2));
    tickAfter(RolloutPolicy.defaults().timeBudget());
    Rollout r = store.find(id).orElseThrow();
    assertEquals(RolloutState.OBSERVED, r.state());
    assertTrue(r.reason().contains("time budget (90 min) ran out at 5%"), r.reason());
  }
}
