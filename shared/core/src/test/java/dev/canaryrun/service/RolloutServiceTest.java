package dev.canaryrun.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.judge.JudgeState;
import dev.canaryrun.judge.Judgement;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.memory.InMemoryEventPublisher;
import dev.canaryrun.memory.InMemoryPolicyStore;
import dev.canaryrun.memory.InMemoryRolloutStore;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.rollout.CommandType;
import dev.canaryrun.rollout.ExpiryAction;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import dev.canaryrun.rollout.RolloutState;
import dev.canaryrun.service.HandleResult.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RolloutService on in-memory ports: at-least-once, unordered delivery, overrides, repair. */
class RolloutServiceTest {
  static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  static final String SVC = "checkout";
  static final String STABLE = "checkout-00041-abc";

  MutableClock clock;
  InMemoryRolloutStore store;
  FakeCloudRun run;
  InMemoryEventPublisher events;
  Outcome verdict;
  /** When set, the test judge consumes every final bucket, as the real one does. */
  boolean judgeConsumes;
  RolloutService service;
  int ticks;

  @BeforeEach
  void setUp() {
    clock = new MutableClock(T0);
    store = new InMemoryRolloutStore(clock);
    run = new FakeCloudRun().serving(SVC, STABLE);
    events = new InMemoryEventPublisher();
    verdict = Outcome.PASS;
    // The judge is the test's: these tests are about delivery and orchestration, not statistics.
    service = new RolloutService(store,
        new InMemoryPolicyStore().watch(SVC, "europe-west1", RolloutPolicy.defaults()),
        run, query -> Map.of(), run, events,
        (state, settings, input) -> new Judgement(Verdict.of(verdict, verdict + " by the test judge"),
            judgeConsumes ? new JudgeState(input.finalUntil(), state.values()) : state),
        clock, Duration.ofHours(1));
  }

  @org.junit.jupiter.api.AfterEach
  void closeService() {
    service.close();
  }

  BuildSucceeded build(String buildId, Instant finishedAt) {
    return new BuildSucceeded("msg-" + buildId, finishedAt, SVC, "europe-west1",
        "europe-docker.pkg.dev/p/app/checkout@sha256:" + "b".repeat(64), buildId, null);
  }

  Rollout rollout(String id) {
    return store.find(id).orElseThrow();
  }

  HandleResult command(String id, CommandType type) {
    return service.onCommand(new CommandRequest(id, clock.instant(), SVC, null, type, "alice",
        "because", null, null));
  }

  void tick() {
    service.onTick(TickRequest.all("tick-" + (++ticks), clock.instant()));
  }

  String startRollout() {
    HandleResult r = service.onBuildSucceeded(build("a1b2c3d4e5", clock.instant()));
    assertEquals(Status.APPLIED, r.status());
    return r.rolloutId();
  }

  @Test
  void aBuildLeadsThroughDeploySmokeCheckAndTheFirstStep() {
    String id = startRollout();
    Rollout r = rollout(id);
    assertEquals(RolloutState.CANARY, r.state());
    assertEquals(5, run.percentOf(SVC, r.candidateRevision()));
    assertEquals(95, run.percentOf(SVC, STABLE));
    assertTrue(r.traffic().applied());
    assertEquals(STABLE, r.stableRevision());
  }

  @Test
  void oneBuildDeploysSmokeChecksAndSetsTrafficAsTurnsOfOneLoopNotNestedCalls() {
    startRollout();
    // The deploy runs in the first turn, the first step's traffic change two turns later. With a
    // worklist both run at about the same depth (the loop's drain frame and the runner's
    // send helper: 3 frames); nested apply -> carryOut -> apply calls put the traffic change 8
    // frames deeper than the deploy, and every further follow-up deeper still.
    assertEquals(2, run.stackDepths.size());
    int deeper = run.stackDepths.get(1) - run.stackDepths.get(0);
    assertTrue(deeper <= 3, "the traffic change ran " + deeper + " frames deeper than the deploy");
  }

  @Test
  void theResultReportsTheStateTheLoopEndedInWithoutAnotherRead() {
    HandleResult r = service.onBuildSucceeded(build("f00dfeed", clock.instant()));
    assertEquals(Status.APPLIED, r.status());
    assertEquals(RolloutState.CANARY, r.state(), "deploy, smoke check and step 1 in one event");
    assertEquals(rollout(r.rolloutId()).updatedAt(), clock.instant(),
        "updatedAt is the store's stamp");
  }

  @Test
  void theSameEventDeliveredTwiceGivesOneEffectAndOneAuditEntry() {
    String id = startRollout();
    int deploys = run.deploys.size();
    assertEquals(Status.DUPLICATE, service.onBuildSucceeded(build("a1b2c3d4e5", T0)).status());
    assertEquals(deploys, run.deploys.size(), "no second deploy");

    int audit = store.audit(id).size();
    int notes = events.notifications().size();
    assertEquals(Status.APPLIED, command("cmd-1", CommandType.PAUSE).status());
    assertEquals(Status.DUPLICATE, command("cmd-1", CommandType.PAUSE).status());
    assertEquals(audit + 1, store.audit(id).size());
    assertEquals(notes + 1, events.notifications().size());
  }

  @Test
  void aTickForAnOldStepIsAnAckedNoOp() {
    String id = startRollout();
    clock.advance(Duration.ofMinutes(5));
    tick(); // PASS after 5 min: step 2
    assertEquals(1, rollout(id).stepIndex());
    long version = rollout(id).version();
    HandleResult stale = service.onTick(new TickRequest("follow-up", clock.instant(), id, 0)).get(0);
    assertEquals(Status.IGNORED, stale.status());
    assertEquals(version, rollout(id).version());
  }

  @Test
  void aNewerBuildSupersedesTheInFlightCandidateWhichGoesBackToZero() {
    String first = startRollout();
    String firstRevision = rollout(first).candidateRevision();
    clock.advance(Duration.ofMinutes(1));
    String second = service.onBuildSucceeded(build("ffff0000", clock.instant())).rolloutId();
    assertEquals(RolloutState.SUPERSEDED, rollout(first).state());
    assertTrue(rollout(first).traffic().applied());
    assertEquals(0, run.percentOf(SVC, firstRevision));
    assertEquals(RolloutState.CANARY, rollout(second).state());
    assertEquals(STABLE, rollout(second).stableRevision(), "compared with the real stable");
    assertEquals(second, store.pointer(SVC, "europe-west1").orElseThrow().activeRolloutId());

    // An alert for the superseded candidate arrives late: acked, changes nothing.
    long v = rollout(second).version();
    HandleResult late = service.onAlert(new AlertRequest("inc-msg", clock.instant(), SVC,
        firstRevision, null, "inc-1", true, "5xx", "errors"));
    assertEquals(Status.IGNORED, late.status());
    assertEquals(v, rollout(second).version());
    assertEquals(RolloutState.CANARY, rollout(second).state());
  }

  @Test
  void aBuildDeliveredAfterANewerOneDoesNotSupersedeIt() {
    String newer = service.onBuildSucceeded(build("newer000", T0)).rolloutId();
    HandleResult older = service.onBuildSucceeded(build("older000", T0.minusSeconds(600)));
    assertEquals(Status.IGNORED, older.status());
    assertTrue(older.message().contains("out-of-order"), older.message());
    assertEquals(RolloutState.CANARY, rollout(newer).state());
  }

  @Test
  void pauseWithExpiryResumesAutomaticallyAtExpiry() {
    String id = startRollout();
    Instant until = clock.instant().plus(Duration.ofMinutes(20));
    service.onCommand(new CommandRequest("p1", clock.instant(), SVC, null, CommandType.PAUSE,
        "alice", "checking dashboards", until, ExpiryAction.RESUME));
    clock.advance(Duration.ofMinutes(19));
    tick();
    assertEquals(RolloutState.PAUSED, rollout(id).state());
    clock.advance(Duration.ofMinutes(1));
    tick();
    assertEquals(RolloutState.CANARY, rollout(id).state());
    assertEquals(0, rollout(id).stepIndex());
    assertTrue(events.ticks().stream().anyMatch(t -> t.rolloutId().equals(id)),
        "a follow-up tick is scheduled on resume");
  }

  @Test
  void pauseWithExpiryRollsBackAtExpiryWhenAskedTo() {
    String id = startRollout();
    String candidate = rollout(id).candidateRevision();
    service.onCommand(new CommandRequest("p1", clock.instant(), SVC, null, CommandType.PAUSE,
        "alice", "deadline", clock.instant().plus(Duration.ofMinutes(10)), ExpiryAction.ROLLBACK));
    clock.advance(Duration.ofMinutes(10));
    tick();
    assertEquals(RolloutState.ROLLED_BACK, rollout(id).state());
    assertEquals(0, run.percentOf(SVC, candidate));
    assertEquals(100, run.percentOf(SVC, STABLE));
  }

  @ParameterizedTest(name = "promote at step {0}")
  @ValueSource(ints = {0, 1, 2})
  void promoteWorksAtAnyStep(int step) {
    String id = walkTo(step);
    assertEquals(Status.APPLIED, command("promote", CommandType.PROMOTE).status());
    assertEquals(RolloutState.PROMOTED, rollout(id).state());
    assertEquals(100, run.percentOf(SVC, rollout(id).candidateRevision()));
    assertEquals(null, store.pointer(SVC, "europe-west1").orElseThrow().activeRolloutId());
  }

  @ParameterizedTest(name = "rollback at step {0}")
  @ValueSource(ints = {0, 1, 2})
  void rollbackWorksAtAnyStep(int step) {
    String id = walkTo(step);
    assertEquals(Status.APPLIED, command("rollback", CommandType.ROLLBACK).status());
    assertEquals(RolloutState.ROLLED_BACK, rollout(id).state());
    assertEquals(100, run.percentOf(SVC, STABLE));
    assertTrue(store.audit(id).stream().anyMatch(a -> a.actor().equals("alice")
        && a.trafficAfter() == 0 && a.message().contains("because")));
  }

  @Test
  void anAlertOnASameNamedRevisionInAnotherRegionChangesNothing() {
    String id = startRollout();
    long v = rollout(id).version();
    HandleResult h = service.onAlert(new AlertRequest("alert-0", clock.instant(), SVC,
        rollout(id).candidateRevision(), "antarctica-south1", "inc-6", true, "5xx ratio",
        "5xx ratio 12% > 5%"));
    assertEquals(Status.IGNORED, h.status());
    assertTrue(h.message().contains("antarctica-south1"), h.message());
    assertEquals(v, rollout(id).version());
    assertEquals(RolloutState.CANARY, rollout(id).state());
  }

  @Test
  void anAlertOnTheCandidateRollsBackAtOnce() {
    String id = startRollout();
    HandleResult h = service.onAlert(new AlertRequest("alert-1", clock.instant(), SVC,
        rollout(id).candidateRevision(), rollout(id).region(), "inc-7", true, "5xx ratio",
        "5xx ratio 12% > 5%"));
    assertEquals(Status.APPLIED, h.status());
    assertEquals(RolloutState.ROLLED_BACK, rollout(id).state());
    assertEquals(100, run.percentOf(SVC, STABLE));
  }

  @Test
  void aFailingVerdictRollsBackWithTheVerdictInTheAuditTrail() {
    String id = startRollout();
    verdict = Outcome.FAIL;
    clock.advance(Duration.ofMinutes(1));
    tick();
    assertEquals(RolloutState.ROLLED_BACK, rollout(id).state());
    assertTrue(store.audit(id).stream().anyMatch(a -> a.verdict() != null
        && a.verdict().outcome() == Outcome.FAIL && a.to() == RolloutState.ROLLING_BACK));
  }

  @Test
  void aCrashBetweenIntentAndAppliedTrafficIsRepairedByTheNextEvent() {
    String id = startRollout();
    clock.advance(Duration.ofMinutes(5));
    run.failNextTrafficChanges = 1;
    assertThrows(TransientFailure.class, this::tick, "the function rethrows: Pub/Sub redelivers");
    Rollout afterCrash = rollout(id);
    assertEquals(1, afterCrash.stepIndex(), "the intent is recorded");
    assertTrue(afterCrash.traffic().pending(), "but not applied");
    assertEquals(5, run.percentOf(SVC, afterCrash.candidateRevision()));

    // The redelivered tick is a duplicate for the decision, but re-drives the intent.
    service.onTick(TickRequest.all("tick-" + ticks, clock.instant()));
    assertEquals(20, run.percentOf(SVC, afterCrash.candidateRevision()));
    assertTrue(rollout(id).traffic().applied());
    assertEquals(1, rollout(id).stepIndex(), "and does not advance twice");
  }

  @Test
  void aPendingIntentIsReDrivenByALaterTickThatOnlyConsumesEvidence() {
    judgeConsumes = true;
    String id = startRollout();
    clock.advance(Duration.ofMinutes(5));
    run.failNextTrafficChanges = 1;
    assertThrows(TransientFailure.class, this::tick); // its redeliveries end in the dead letters
    assertTrue(rollout(id).traffic().pending());
    assertEquals(5, run.percentOf(SVC, rollout(id).candidateRevision()));

    // The next scheduled tick consumes a new bucket: a saved decision with no traffic effect
    // of its own, which must still re-drive the recorded intent (level-triggered).
    clock.advance(Duration.ofMinutes(1));
    tick();
    assertEquals(20, run.percentOf(SVC, rollout(id).candidateRevision()));
    assertTrue(rollout(id).traffic().applied());
    assertEquals(1, rollout(id).stepIndex());
  }

  @Test
  void aStaleReDriveThatLandsAfterARollbackDoesNotLeaveTheCandidateServing() {
    String id = startRollout();
    String candidate = rollout(id).candidateRevision();
    clock.advance(Duration.ofMinutes(5));
    run.failNextTrafficChanges = 1;
    assertThrows(TransientFailure.class, this::tick);
    assertTrue(rollout(id).traffic().pending(), "20% recorded, not applied");

    // The next tick re-drives 20%; while that call is in flight an operator's rollback is
    // decided, applied and confirmed, and only then does the 20% write land in Cloud Run.
    run.duringNextTrafficChange = () -> command("rb", CommandType.ROLLBACK);
    clock.advance(Duration.ofSeconds(30));
    tick();
    assertEquals(RolloutState.ROLLED_BACK, rollout(id).state());
    assertEquals(0, run.percentOf(SVC, candidate), "a rolled-back candidate serves nothing");
    assertEquals(100, run.percentOf(SVC, STABLE));
  }

  @Test
  void aRedeliveredBuildFinishesADeployThatFailedTransiently() {
    run.failNextDeploys = 1;
    assertThrows(TransientFailure.class,
        () -> service.onBuildSucceeded(build("a1b2c3d4e5", clock.instant())));
    String id = store.pointer(SVC, "europe-west1").orElseThrow().activeRolloutId();
    assertEquals(RolloutState.DEPLOYING, rollout(id).state());
    HandleResult again = service.onBuildSucceeded(build("a1b2c3d4e5", clock.instant()));
    assertEquals(Status.DUPLICATE, again.status());
    assertEquals(RolloutState.CANARY, rollout(id).state(), "the redelivery finished the work");
    assertEquals(1, store.audit(id).stream().filter(a -> a.to() == RolloutState.VERIFYING).count());
  }

  @Test
  void aNewBuildDuringAnUnconfirmedPromotionComparesWithThePromotedRevision() {
    String first = walkTo(2);
    String promoted = rollout(first).candidateRevision();
    clock.advance(RolloutPolicy.defaults().step(2).minDwell());
    run.failNextTrafficChanges = 1;
    assertThrows(TransientFailure.class, this::tick);
    assertEquals(RolloutState.PROMOTING, rollout(first).state());
    assertTrue(rollout(first).traffic().pending());

    String second = service.onBuildSucceeded(build("ffff0000", clock.instant())).rolloutId();
    assertEquals(RolloutState.PROMOTED, rollout(first).state(), "the promotion finished first");
    assertEquals(promoted, rollout(second).stableRevision());
    assertEquals(95, run.percentOf(SVC, promoted));
    assertEquals(0, run.percentOf(SVC, STABLE));
  }

  @Test
  void retryRestartsARolledBackCandidate() {
    String id = startRollout();
    command("rb", CommandType.ROLLBACK);
    assertEquals(Status.APPLIED, command("retry", CommandType.RETRY).status());
    assertEquals(RolloutState.CANARY, rollout(id).state());
    assertEquals(5, run.percentOf(SVC, rollout(id).candidateRevision()));
  }

  @Test
  void aCommandForAServiceWithoutRolloutIsRejectedAndStaleEventsAreDropped() {
    assertEquals(Status.REJECTED, command("c", CommandType.PAUSE).status());
    HandleResult old = service.onBuildSucceeded(build("old00000", T0.minus(Duration.ofDays(400))));
    assertEquals(Status.IGNORED, old.status());
    assertTrue(old.message().contains("limit 3600 s"), old.message());
    assertTrue(store.listActive().isEmpty());
  }

  @Test
  void anUnwatchedServiceIsIgnored() {
    HandleResult h = service.onBuildSucceeded(new BuildSucceeded("m", T0, "billing", "us-central1",
        "img@sha256:" + "c".repeat(64), "b00000001", null));
    assertEquals(Status.IGNORED, h.status());
    assertTrue(h.message().contains("policies/billing"), h.message());
  }

  /** Starts a rollout and walks it to step {@code step} (0-based) with passing verdicts. */
  private String walkTo(int step) {
    String id = startRollout();
    RolloutPolicy p = RolloutPolicy.defaults();
    for (int i = 0; i < step; i++) {
      clock.advance(p.step(i).minDwell());
      tick();
    }
    assertEquals(step, rollout(id).stepIndex());
    assertEquals(p.step(step).percent(), run.percentOf(SVC, rollout(id).candidateRevision()));
    return id;
  }
}
