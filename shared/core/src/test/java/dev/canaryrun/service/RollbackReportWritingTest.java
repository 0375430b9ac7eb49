package dev.canaryrun.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.judge.Check;
import dev.canaryrun.judge.JudgeState;
import dev.canaryrun.judge.Judgement;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.memory.InMemoryEventPublisher;
import dev.canaryrun.memory.InMemoryEventPublisher.Published;
import dev.canaryrun.memory.InMemoryPolicyStore;
import dev.canaryrun.memory.InMemoryRolloutStore;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.report.RollbackReport;
import dev.canaryrun.report.RollbackReport.Cause;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.CommandType;
import dev.canaryrun.rollout.NotificationType;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import dev.canaryrun.rollout.RolloutEvent.TrafficApplied;
import dev.canaryrun.rollout.RolloutMachine;
import dev.canaryrun.rollout.RolloutState;
import dev.canaryrun.service.HandleResult.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine writes the rollback report when a rollout reaches ROLLED_BACK: on the audit
 * entry of that transition, once (a redelivered confirmation writes nothing), and in the
 * ROLLED_BACK lifecycle event as structured fields.
 */
class RollbackReportWritingTest {
  static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  static final String SVC = "checkout";
  static final String STABLE = "checkout-00041-abc";

  MutableClock clock;
  InMemoryRolloutStore store;
  FakeCloudRun run;
  InMemoryEventPublisher events;
  Outcome outcome = Outcome.PASS;
  RolloutService service;
  int ticks;

  @BeforeEach
  void setUp() {
    clock = new MutableClock(T0);
    store = new InMemoryRolloutStore(clock);
    run = new FakeCloudRun().serving(SVC, STABLE);
    events = new InMemoryEventPublisher();
    // A judge whose cumulative errors check counted 2000 canary requests, 60 of them 5xx,
    // against a stable rate of 1%: 40 excess bad requests.
    service = new RolloutService(store,
        new InMemoryPolicyStore().watch(SVC, "europe-west1", RolloutPolicy.defaults()),
        run, query -> Map.of(), run, events,
        (state, settings, input) -> new Judgement(new Verdict(outcome, outcome
            + ": canary 5xx 60/2000 (3.00%) vs stable 1.00%", List.of(new Check("errors",
            outcome, "canary 5xx 60/2000", Map.of("canaryRequests", 2000.0,
            "canaryErrors", 60.0, "stableRate", 0.01)))), state),
        clock, Duration.ofHours(1));
  }

  @AfterEach
  void close() {
    service.close();
  }

  private String startRollout() {
    HandleResult h = service.onBuildSucceeded(new BuildSucceeded("msg-b1", clock.instant(), SVC,
        "europe-west1", "europe-docker.pkg.dev/p/app/checkout@sha256:" + "b".repeat(64),
        "a1b2c3d4e5", null));
    assertEquals(RolloutState.CANARY, h.state());
    return h.rolloutId();
  }

  private List<AuditEntry> withReport(String id) {
    return store.audit(id).stream().filter(a -> a.report() != null).toList();
  }

  private List<Published> rolledBackEvents() {
    return events.notifications().stream()
        .filter(p -> p.notification().type() == NotificationType.ROLLED_BACK).toList();
  }

  @Test
  void aJudgeFailedRolloutGetsItsReportOnceEvenWhenTheConfirmationIsRedelivered() {
    String id = startRollout();
    clock.advance(Duration.ofMinutes(5));
    outcome = Outcome.FAIL;
    // The 0% lands at Cloud Run, then the invocation dies before it confirms: ROLLING_BACK
    // stays stored with its intent pending, and Pub/Sub redelivers the tick.
    run.failAfterNextTrafficChange = true;
    assertThrows(TransientFailure.class, () -> tick("tick-1"));
    Rollout rollingBack = store.find(id).orElseThrow();
    assertEquals(RolloutState.ROLLING_BACK, rollingBack.state());
    assertEquals(List.of(), withReport(id), "no report before Cloud Run confirms 0%");

    clock.advance(Duration.ofMillis(1500));
    tick("tick-1"); // the redelivery re-drives the 0% and confirms it
    assertEquals(RolloutState.ROLLED_BACK, store.find(id).orElseThrow().state());
    List<AuditEntry> reported = withReport(id);
    assertEquals(1, reported.size(), () -> store.audit(id).toString());
    AuditEntry end = reported.get(0);
    assertTrue(end.endsRollback(), "on the transition into ROLLED_BACK");
    assertEquals("TrafficApplied", end.eventType());
    RollbackReport report = end.report();
    assertEquals(Cause.JUDGE, report.trigger().cause());
    assertTrue(report.trigger().detail().contains("FAIL: canary 5xx 60/2000"),
        report.trigger().detail());
    assertEquals(T0.plus(Duration.ofMinutes(5)), report.trigger().at());
    assertEquals(5, report.maxPercent());
    assertEquals(Duration.ofMinutes(5).plusMillis(1500), report.candidateServed());
    assertEquals(2000.0, report.requests());
    assertEquals(40.0, report.excessBadRequests(), 1e-9);
    assertEquals(Duration.ofMillis(1500), report.triggerToZero());

    // The confirmation delivered again, decided on the rollout as it was before (a stale
    // read racing the first delivery): the store refuses the duplicate event, nothing written.
    int entries = store.audit(id).size();
    int saves = store.saveCount();
    DecisionLoop loop = new DecisionLoop(store, new RolloutMachine(),
        new EffectRunner(run, run, events, clock), clock);
    HandleResult again = loop.apply(id, rollingBack,
        Work.of(new TrafficApplied(end.cause(), clock.instant(), 0)));
    assertEquals(Status.DUPLICATE, again.status());
    // ... and on the rollout as stored now: ROLLED_BACK ignores it.
    assertEquals(Status.IGNORED, loop.apply(id, null,
        Work.of(new TrafficApplied(end.cause(), clock.instant(), 0))).status());
    tick("tick-1");
    assertEquals(entries, store.audit(id).size());
    assertEquals(saves, store.saveCount());
    assertEquals(1, withReport(id).size());
    assertEquals(1, rolledBackEvents().size(), "one ROLLED_BACK event");
  }

  @Test
  void theRolledBackEventCarriesTheReportAsFields() {
    String id = startRollout();
    clock.advance(Duration.ofMinutes(5));
    outcome = Outcome.FAIL;
    tick("tick-1");
    Published p = rolledBackEvents().get(0);
    assertEquals(id, p.rolloutId());
    @SuppressWarnings("unchecked")
    Map<String, Object> report = (Map<String, Object>) p.notification().details().get("report");
    assertNotNull(report, () -> p.notification().details().toString());
    assertEquals(withReport(id).get(0).report().fields(), report,
        "the event says what the audit trail says");
    @SuppressWarnings("unchecked")
    Map<String, Object> trigger = (Map<String, Object>) report.get("trigger");
    assertEquals("JUDGE", trigger.get("cause"));
    assertEquals(5, report.get("maxPercent"));
    assertEquals(2000.0, report.get("requests"));
    assertEquals(40.0, (Double) report.get("excessBadRequests"), 1e-9);
    assertEquals(300_000L, report.get("candidateServedMillis"));
    assertEquals(0L, report.get("triggerToZeroMillis"), "the fake clock did not move");
    assertEquals(STABLE, report.get("stableRevision"));
    // The ROLLING_BACK event before it has no report: nothing is rolled back yet.
    assertTrue(events.notifications().stream()
        .filter(n -> n.notification().type() == NotificationType.ROLLING_BACK)
        .allMatch(n -> n.notification().details().get("report") == null));
  }

  @Test
  void anOperatorRollbackNamesTheOperatorAndARetriedRolloutReportsOnlyItsLastRun() {
    String id = startRollout();
    clock.advance(Duration.ofMinutes(2));
    service.onCommand(new CommandRequest("rb-1", clock.instant(), SVC, null,
        CommandType.ROLLBACK, "alice", "bad dashboards", null, null));
    RollbackReport first = withReport(id).get(0).report();
    assertEquals(Cause.OPERATOR, first.trigger().cause());
    assertEquals("alice", first.trigger().actor());
    assertEquals(Duration.ofMinutes(2), first.candidateServed());

    clock.advance(Duration.ofMinutes(1));
    service.onCommand(new CommandRequest("retry-1", clock.instant(), SVC, id,
        CommandType.RETRY, "bob", "try again", null, null));
    assertEquals(RolloutState.CANARY, store.find(id).orElseThrow().state());
    clock.advance(Duration.ofMinutes(3));
    service.onCommand(new CommandRequest("rb-2", clock.instant(), SVC, id,
        CommandType.ROLLBACK, "carol", "still bad", null, null));
    List<AuditEntry> reported = withReport(id);
    assertEquals(2, reported.size(), "one report per rollback");
    RollbackReport second = reported.get(1).report();
    assertEquals("carol", second.trigger().actor());
    assertEquals(Duration.ofMinutes(3), second.candidateServed(),
        "the first run's exposure is the first report's");
    assertNull(second.requests(), "no judged bucket in this run's verdicts");
  }

  private void tick(String id) {
    service.onTick(TickRequest.all(id, clock.instant()));
    ticks++;
  }
}
