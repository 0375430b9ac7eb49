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
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.port.RolloutStore;
import dev.canaryrun.port.SaveOutcome;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.CommandType;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import dev.canaryrun.rollout.RolloutState;
import dev.canaryrun.service.HandleResult.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The engine's share of the fault-and-race defects: each test fails on the engine before. */
class RaceDefectsTest {
  static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  static final String SVC = "checkout";
  static final String STABLE = "checkout-00041-abc";

  MutableClock clock = new MutableClock(T0);
  InMemoryRolloutStore memory = new InMemoryRolloutStore(clock);
  FakeCloudRun run = new FakeCloudRun().serving(SVC, STABLE);
  InMemoryEventPublisher events = new InMemoryEventPublisher();
  /** Makes the first two pointer reads wait for each other: two builds read it together. */
  CyclicBarrier pointerReads;
  AtomicInteger pointerCalls = new AtomicInteger();
  /** When set, the next save fails after it was stored, as a lost commit reply does. */
  boolean loseNextSaveReply;
  /** How many of the next audit-trail reads fail as a cut connection does. */
  int failNextAuditReads;
  /** Runs once right after the next rollout read: a concurrent copy between read and save. */
  Runnable afterNextFind;
  /**
   * Runs once after the next save to CANARY has committed, and that save then answers with the
   * rollout as stored afterwards: the Firestore store's answer to a lost commit reply.
   */
  Runnable afterNextCanarySave;
  RolloutService service;

  @BeforeEach
  void setUp() {
    RolloutStore store = new RolloutStore() {
      @Override
      public Optional<Rollout> find(String id) {
        Optional<Rollout> r = memory.find(id);
        Runnable after = afterNextFind;
        afterNextFind = null;
        if (after != null) {
          after.run();
        }
        return r;
      }

      @Override
      public Optional<ServicePointer> pointer(String service, String region) {
        Optional<ServicePointer> p = memory.pointer(service, region);
        if (pointerReads != null && pointerCalls.incrementAndGet() <= 2) {
          try {
            pointerReads.await(5, TimeUnit.SECONDS);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
        return p;
      }

      @Override
      public List<ServicePointer> pointers(String service) {
        return memory.pointers(service);
      }

      @Override
      public List<Rollout> listActive() {
        return memory.listActive();
      }

      @Override
      public boolean processed(String id, String eventId) {
        return memory.processed(id, eventId);
      }

      @Override
      public SaveOutcome save(Rollout next, long v, String eventId, List<AuditEntry> audit) {
        SaveOutcome o = memory.save(next, v, eventId, audit);
        Runnable after = afterNextCanarySave;
        if (after != null && next.state() == RolloutState.CANARY) {
          afterNextCanarySave = null;
          after.run();
          return SaveOutcome.saved(memory.find(next.id()).orElseThrow());
        }
        if (loseNextSaveReply) {
          loseNextSaveReply = false;
          throw new TransientFailure("UNAVAILABLE: connection reset after commit");
        }
        return o;
      }

      @Override
      public List<AuditEntry> audit(String id) {
        if (failNextAuditReads > 0) {
          failNextAuditReads--;
          throw new TransientFailure("read the audit of rollouts/" + id + ": UNAVAILABLE");
        }
        return memory.audit(id);
      }

      @Override
      public List<dev.canaryrun.report.EvidencePoint> evidence(String id) {
        return memory.evidence(id);
      }
    };
    service = new RolloutService(store,
        new InMemoryPolicyStore().watch(SVC, "europe-west1", RolloutPolicy.defaults()),
        run, query -> Map.of(), run, events,
        (state, settings, input) -> new Judgement(Verdict.of(Outcome.INCONCLUSIVE, "test"),
            new JudgeState(input.finalUntil(), state.values())),
        clock, Duration.ofHours(1));
  }

  @AfterEach
  void close() {
    service.close();
  }

  BuildSucceeded build(String id, Instant at) {
    return new BuildSucceeded("msg-" + id, at, SVC, "europe-west1",
        "europe-docker.pkg.dev/p/app/checkout@sha256:" + "c".repeat(64), id, null);
  }

  long live() {
    return memory.listActive().stream().filter(r -> !r.state().terminal()).count();
  }

  @Test
  void twoBuildsAtTheSameMomentLeaveOneLiveRollout() throws Exception {
    pointerReads = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<HandleResult> a = pool.submit(() -> service.onBuildSucceeded(build("aaaa1111", T0)));
      Future<HandleResult> b = pool.submit(() ->
          service.onBuildSucceeded(build("bbbb2222", T0.plusMillis(5))));
      a.get(10, TimeUnit.SECONDS);
      b.get(10, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, live(), "one live rollout per service: " + memory.listActive());
    Rollout newer = memory.find("checkout-bbbb2222").orElseThrow();
    assertEquals(RolloutState.CANARY, newer.state(), "the newer build rolls out");
    // Whichever saved first, the older build ends up out of the way: superseded if it won the
    // race, ignored as out of order if it lost it.
    memory.find("checkout-aaaa1111").ifPresent(older -> {
      assertTrue(older.state().terminal(), older.state() + ": the older steps aside");
      assertEquals(0, run.percentOf(SVC, older.candidateRevision()), "the older serves nothing");
    });
    assertEquals(5, run.percentOf(SVC, newer.candidateRevision()));
  }

  @Test
  void aDelayedWriteThatLandsAfterARollbackIsUndoneAfterTheSettlingWindow() {
    service.onBuildSucceeded(build("dddd4444", T0));
    String id = "checkout-dddd4444";
    String candidate = memory.find(id).orElseThrow().candidateRevision();
    CommandRequest rollback = new CommandRequest("rb", T0, SVC, null, CommandType.ROLLBACK,
        "bob", "errors in the logs", null, null);
    // The promotion's 100% is delayed; the rollback completes meanwhile; then the delayed write
    // lands and its invocation dies before it can notice.
    run.duringNextTrafficChange = () -> {
      service.onCommand(rollback);
      run.failAfterNextTrafficChange = true;
    };
    try {
      service.onCommand(new CommandRequest("pr", T0, SVC, null, CommandType.PROMOTE, "alice",
          "looks good", null, null));
    } catch (TransientFailure expected) {
      // the invocation died
    }
    assertEquals(RolloutState.ROLLED_BACK, memory.find(id).orElseThrow().state());
    assertEquals(100, run.percentOf(SVC, candidate), "the late write put the candidate back");

    clock.advance(Duration.ofMinutes(11));
    service.onTick(TickRequest.all("tick-after-window", clock.instant()));

    assertEquals(0, run.percentOf(SVC, candidate), "repaired by the next tick after the window");
    assertEquals(100, run.percentOf(SVC, STABLE));
    Rollout r = memory.find(id).orElseThrow();
    assertEquals(RolloutState.ROLLED_BACK, r.state());
    assertTrue(memory.audit(id).stream().anyMatch(a -> a.message().contains(
        "serves the candidate 100% although the rollout is ROLLED_BACK")));
    clock.advance(Duration.ofMinutes(11));
    service.onTick(TickRequest.all("tick-after-second-window", clock.instant()));
    assertTrue(memory.listActive().isEmpty(), "settled once Cloud Run serves what it says");
  }

  @Test
  void aRedeliveredRetryFinishesTheSmokeCheckItsFirstDeliveryNeverRan() {
    service.onBuildSucceeded(build("cccc3333", T0));
    String id = "checkout-cccc3333";
    service.onCommand(new CommandRequest("rb", T0, SVC, null, CommandType.ROLLBACK, "alice",
        "bad", null, null));
    assertEquals(RolloutState.ROLLED_BACK, memory.find(id).orElseThrow().state());
    CommandRequest retry = new CommandRequest("retry-1", T0, SVC, null, CommandType.RETRY,
        "alice", "fixed the config", null, null);
    loseNextSaveReply = true; // stored VERIFYING, then the invocation failed
    try {
      service.onCommand(retry);
    } catch (TransientFailure expected) {
      // Pub/Sub redelivers
    }
    assertEquals(RolloutState.VERIFYING, memory.find(id).orElseThrow().state());
    HandleResult again = service.onCommand(retry);
    assertEquals(Status.DUPLICATE, again.status());
    assertEquals(RolloutState.CANARY, memory.find(id).orElseThrow().state(),
        "the redelivery ran the smoke check and the first step");
  }

  /**
   * Found by the chaos suite once faults were on the wire: two copies of one event read the
   * rollout while its 5% was recorded but not confirmed; one saved the event's decision (here a
   * rollback to 0%); the other found its event applied and re-drove the intent of the rollout
   * as it had read it, putting the candidate back at 5% over the rollback, and died before
   * anything noticed. A duplicate now repairs from the rollout as stored.
   */
  @Test
  void aCopyThatFindsItsEventAppliedRepairsTheRolloutAsStoredNotAsItReadIt() {
    run.failNextTrafficChanges = 1; // the first step's 5% is recorded, not confirmed
    try {
      service.onBuildSucceeded(build("eeee5555", T0));
    } catch (TransientFailure expected) {
      // Pub/Sub would redeliver the build; the rollback comes first
    }
    String id = "checkout-eeee5555";
    Rollout canary = memory.find(id).orElseThrow();
    assertEquals(RolloutState.CANARY, canary.state());
    assertTrue(canary.traffic().pending(), "" + canary.traffic());
    CommandRequest rollback = new CommandRequest("rb-copy", T0, SVC, id, CommandType.ROLLBACK,
        "alice", "bad", null, null);
    int[] callsBefore = new int[1];
    afterNextFind = () -> { // the other copy of the command, between our read and our save
      service.onCommand(rollback);
      callsBefore[0] = run.trafficCalls.size();
      run.failAfterNextTrafficChange = true; // and whatever we write next, we die after it
    };
    try {
      assertEquals(Status.DUPLICATE, service.onCommand(rollback).status());
    } catch (TransientFailure died) {
      // the engine before: it died after its write
    }

    assertEquals(RolloutState.ROLLED_BACK, memory.find(id).orElseThrow().state());
    assertEquals(0, run.percentOf(SVC, canary.candidateRevision()),
        "the stale 5% was re-driven over the rollback: " + run.trafficCalls);
    assertTrue(run.trafficCalls.stream().skip(callsBefore[0])
        .noneMatch(t -> t.candidatePercent() > 0), "" + run.trafficCalls);
  }

  /**
   * Found by the chaos suite with wire faults: a save whose commit reply was lost is known to
   * have committed (its event record), and the store answers with the rollout as it is when
   * read back, which a newer decision (a rollback here) may already have moved on. Running the
   * old decision's effects on it put the candidate at 5% over the rollback.
   */
  @Test
  void aSaveThatCommittedAndWasOvertakenRunsNoStaleEffects() {
    String id = "checkout-ffff7777";
    CommandRequest rollback = new CommandRequest("rb-late", T0, SVC, id, CommandType.ROLLBACK,
        "alice", "bad", null, null);
    int[] callsBefore = new int[1];
    afterNextCanarySave = () -> { // the smoke check's save committed; its reply is slow
      service.onCommand(rollback);
      callsBefore[0] = run.trafficCalls.size();
      run.failAfterNextTrafficChange = true;
    };
    try {
      service.onBuildSucceeded(build("ffff7777", T0));
    } catch (TransientFailure died) {
      // the engine before: it died after its stale write
    }

    assertEquals(RolloutState.ROLLED_BACK, memory.find(id).orElseThrow().state());
    String candidate = memory.find(id).orElseThrow().candidateRevision();
    assertEquals(0, run.percentOf(SVC, candidate),
        "the overtaken decision's 5% was written over the rollback: " + run.trafficCalls);
    assertTrue(run.trafficCalls.stream().skip(callsBefore[0])
        .noneMatch(t -> t.candidatePercent() > 0), "" + run.trafficCalls);
  }

  /**
   * Found by the chaos suite with wire faults: the read of the trail that the rollback report
   * is built from met a cut connection, and the rollback was recorded without its report for
   * good (it is written only with the transition). A transient failure is read again.
   */
  @Test
  void aRollbackKeepsItsReportWhenTheTrailReadMeetsACutConnection() {
    String id = "checkout-eeee5555";
    service.onBuildSucceeded(build("eeee5555", T0));
    failNextAuditReads = RollbackReports.TRAIL_READ_ATTEMPTS - 1;
    service.onCommand(new CommandRequest("rb-cut", T0, SVC, id, CommandType.ROLLBACK,
        "alice", "bad", null, null));

    assertEquals(RolloutState.ROLLED_BACK, memory.find(id).orElseThrow().state());
    AuditEntry last = memory.audit(id).get(memory.audit(id).size() - 1);
    assertTrue(last.endsRollback());
    assertTrue(last.report() != null, "the report survived " + (RollbackReports.TRAIL_READ_ATTEMPTS
        - 1) + " failed reads");

    // Every read failing still records the rollback (the report never blocks it).
    String other = "checkout-eeee6666";
    service.onBuildSucceeded(build("eeee6666", T0.plusSeconds(1)));
    failNextAuditReads = RollbackReports.TRAIL_READ_ATTEMPTS;
    service.onCommand(new CommandRequest("rb-cut2", T0, SVC, other, CommandType.ROLLBACK,
        "alice", "bad", null, null));
    assertEquals(RolloutState.ROLLED_BACK, memory.find(other).orElseThrow().state());
    assertTrue(memory.audit(other).get(memory.audit(other).size() - 1).report() == null);
  }

  /**
   * Found by the chaos suite with wire faults: a build supersedes the canary, the superseded
   * candidate's 0% fails, and the build is redelivered. The superseded rollout is no longer the
   * service's active one, so the redelivery created and deployed the new rollout on a split
   * where the old candidate still served, and a deploy takes the largest share as its stable.
   */
  @Test
  void aRedeliveredBuildFinishesTheSupersededCandidatesZeroBeforeItDeploys() {
    service.onBuildSucceeded(build("aaaa0001", T0));
    String old = memory.find("checkout-aaaa0001").orElseThrow().candidateRevision();
    assertEquals(5, run.percentOf(SVC, old));
    BuildSucceeded newer = build("bbbb0002", T0.plusSeconds(60));
    run.failNextTrafficChanges = 1; // the superseded candidate's 0% fails
    try {
      service.onBuildSucceeded(newer);
    } catch (TransientFailure expected) {
      // Pub/Sub redelivers the build
    }
    assertEquals(RolloutState.SUPERSEDED, memory.find("checkout-aaaa0001").orElseThrow().state());

    service.onBuildSucceeded(newer);

    assertEquals(0, run.splitAtLastDeploy.getOrDefault(old, 0),
        "the new candidate was deployed while the superseded one served: "
            + run.splitAtLastDeploy);
    assertEquals(RolloutState.CANARY, memory.find("checkout-bbbb0002").orElseThrow().state());
  }
}
