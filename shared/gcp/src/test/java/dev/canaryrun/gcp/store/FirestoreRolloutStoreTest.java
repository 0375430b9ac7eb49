package dev.canaryrun.gcp.store;

import static dev.canaryrun.gcp.store.TestRollouts.T0;
import static dev.canaryrun.gcp.store.TestRollouts.entry;
import static dev.canaryrun.gcp.store.TestRollouts.rich;
import static dev.canaryrun.gcp.store.TestRollouts.simple;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.Timestamp;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import dev.canaryrun.fixtures.emulator.EmulatorEnvironment;
import dev.canaryrun.fixtures.emulator.WithEmulators;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.port.InvocationDeadline;
import dev.canaryrun.port.RolloutStore.ServicePointer;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.port.SaveOutcome;
import dev.canaryrun.port.SaveResult;
import dev.canaryrun.report.EvidencePoint;
import dev.canaryrun.report.RollbackReport;
import dev.canaryrun.report.RollbackReport.Cause;
import dev.canaryrun.report.RollbackReport.Share;
import dev.canaryrun.report.RollbackReport.Trigger;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutState;
import dev.canaryrun.rollout.TrafficIntent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@WithEmulators
class FirestoreRolloutStoreTest {
  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

  private Firestore db;
  private FirestoreRolloutStore store;

  @BeforeEach
  void connect(EmulatorEnvironment env) {
    db = FirestoreClients.create(env.projectId(), null, env.firestoreHost());
    store = new FirestoreRolloutStore(db, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterEach
  void close() throws Exception {
    db.close();
  }

  @Test
  void aRichRolloutComesBackAsItWasSaved() {
    Rollout r = rich("checkout-7f3a", "checkout");
    List<AuditEntry> audit = List.of(entry("judged", r.lastVerdict()), entry("plain", null));

    SaveOutcome saved = store.save(r, 0, "build-event-1", audit);

    assertEquals(SaveResult.SAVED, saved.result());
    assertEquals(r.stored(1, NOW), saved.stored(), "save returns the rollout as stored");
    assertEquals(saved.stored(), store.find(r.id()).orElseThrow());
    assertEquals(audit, store.audit(r.id()));
  }

  @Test
  void eachNewVerdictAddsOneEvidencePointAndARedeliveryNone() {
    Rollout r = simple("svc-ev", "svc", RolloutState.CANARY, TrafficIntent.desired(10), T0);
    store.save(r, 0, "e1", List.of());
    Verdict first = judged(0.8, 3.0);
    store.save(r.withJudge(null, first), 1, "tick-1", List.of());
    store.save(r.withJudge(null, first).withTraffic(TrafficIntent.desired(10).markApplied()), 2,
        "applied", List.of()); // same verdict: no point
    Verdict second = judged(140.0, 0.5);
    assertEquals(SaveResult.SAVED, saveResult(r.withJudge(null, second), 3, "tick-2", List.of()));
    assertEquals(SaveResult.DUPLICATE, saveResult(r.withJudge(null, judged(9, 9)), 4, "tick-2",
        List.of()));

    List<EvidencePoint> points = store.evidence(r.id());
    assertEquals(2, points.size(), points::toString);
    EvidencePoint.Test errors = points.get(1).tests().get(0);
    assertEquals("errors", errors.name());
    assertEquals(140.0, errors.eFail());
    assertEquals(105.0, errors.failThreshold());
    assertEquals(Outcome.FAIL, points.get(1).outcome());
    assertTrue(Double.isNaN(points.get(1).tests().get(1).ePass()), "latency has no pass side here");
    assertEquals(10, points.get(0).candidatePercent());
    assertEquals(NOW, points.get(0).at());
    assertEquals(List.of(), store.evidence("nope"));
  }

  private static Verdict judged(double eFail, double ePass) {
    return new Verdict(eFail > 105 ? Outcome.FAIL : Outcome.INCONCLUSIVE, "judged", List.of(
        new dev.canaryrun.judge.Check("errors", Outcome.INCONCLUSIVE, "e", java.util.Map.of(
            "eFail", eFail, "failThreshold", 105.0, "ePass", ePass, "passThreshold", 100.0)),
        new dev.canaryrun.judge.Check("latency-p90", Outcome.INCONCLUSIVE, "e", java.util.Map.of(
            "eFail", 1.0, "failThreshold", 6000.0)),
        new dev.canaryrun.judge.Check("guardrail", Outcome.PASS, "rule", java.util.Map.of(
            "canaryRate", 0.01))));
  }

  @Test
  void aRegionOfAReleaseKeepsItsReleaseWaveAndRegionPlan() {
    Rollout one = simple("svc-rel", "svc", RolloutState.CANARY, TrafficIntent.desired(5), T0);
    var s = one.spec();
    var plan = dev.canaryrun.policy.PolicyJson.parse("{\"regions\": [\"europe-west1\","
        + " \"us-central1\"], \"onRegionFailure\": \"keep\"}").regions();
    Rollout r = new Rollout(new dev.canaryrun.rollout.RolloutSpec("svc-rel@us-central1",
        s.service(), "us-central1", s.image(), s.buildId(), s.builtAt(), "svc-rel", false,
        s.policy().withRegions(plan), s.createdAt(), null, "svc-rel", 1), one.status(), 0, null);
    store.save(r, 0, "e1", List.of());
    Rollout back = store.find("svc-rel@us-central1").orElseThrow();
    assertEquals("svc-rel", back.releaseId());
    assertEquals(1, back.spec().wave());
    assertEquals(plan, back.policy().regions());
    assertEquals(null, store.find("svc-1").map(Rollout::releaseId).orElse(null));
  }

  @Test
  void aMissingRolloutIsEmpty() {
    assertTrue(store.find("nope").isEmpty());
    assertTrue(store.pointer("nope", "us-central1").isEmpty());
    assertEquals(List.of(), store.audit("nope"));
  }

  @Test
  void versionsGuardEveryWrite() {
    Rollout r = simple("svc-1", "svc", RolloutState.DEPLOYING, TrafficIntent.none(), T0);
    assertEquals(SaveResult.SAVED, saveResult(r, 0, "e1", List.of()));

    assertEquals(SaveResult.CONFLICT, saveResult(r, 0, "e2", List.of()), "create twice");
    assertEquals(SaveResult.CONFLICT, saveResult(r, 2, "e3", List.of()), "version from the future");
    assertEquals(SaveResult.SAVED, saveResult(r.withState(RolloutState.VERIFYING, -1, T0, "x"), 1,
        "e4", List.of()));
    assertEquals(SaveResult.CONFLICT, saveResult(r, 1, "e5", List.of()), "stale version");

    Rollout stored = store.find(r.id()).orElseThrow();
    assertEquals(2, stored.version());
    assertEquals(RolloutState.VERIFYING, stored.state());
    assertFalse(store.processed(r.id(), "e2"), "a conflict records no event");
    assertTrue(store.processed(r.id(), "e4"));
  }

  @Test
  void aDuplicateEventWritesNothing() {
    Rollout r = simple("svc-2", "svc", RolloutState.CANARY, TrafficIntent.desired(5), T0);
    store.save(r, 0, "e1", List.of(entry("created", null)));
    store.save(r.withTraffic(TrafficIntent.desired(5).markApplied()), 1, "e2",
        List.of(entry("applied", null)));

    Rollout changed = r.withTraffic(TrafficIntent.desired(20));
    assertEquals(SaveResult.DUPLICATE, saveResult(changed, 2, "e2", List.of(entry("again", null))));
    assertEquals(SaveResult.DUPLICATE, saveResult(changed, 7, "e1", List.of()),
        "a duplicate is reported whatever the version");

    Rollout stored = store.find(r.id()).orElseThrow();
    assertEquals(2, stored.version());
    assertEquals(new TrafficIntent(5, true), stored.traffic());
    assertEquals(List.of("created", "applied"),
        store.audit(r.id()).stream().map(AuditEntry::message).toList());
  }

  @Test
  void auditEntriesComeBackInNumericOrder() throws Exception {
    Rollout r = simple("svc-3", "svc", RolloutState.DEPLOYING, TrafficIntent.none(), T0);
    List<String> expected = new ArrayList<>();
    long version = 0;
    // 3 saves of 5 entries: 15 entries, so seq 10+ must sort after 9 (zero padding).
    for (int save = 0; save < 3; save++) {
      List<AuditEntry> batch = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        String m = "entry-" + (save * 5 + i);
        expected.add(m);
        batch.add(entry(m, i == 0 ? Verdict.of(Outcome.PASS, "ok") : null));
      }
      assertEquals(SaveResult.SAVED, saveResult(r, version, "e" + save, batch));
      version++;
    }

    assertEquals(expected, store.audit(r.id()).stream().map(AuditEntry::message).toList());
    List<String> ids = auditIds(r.id());
    assertEquals("0000000001", ids.get(0));
    assertEquals("0000000015", ids.get(14));
  }

  @Test
  void concurrentSavesOfOneRolloutLoseNothing() throws Exception {
    Rollout r = simple("svc-4", "svc", RolloutState.DEPLOYING, TrafficIntent.none(), T0);
    store.save(r, 0, "create", List.of());
    int writers = 20;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<Integer>> conflicts = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        String me = "writer-" + w;
        conflicts.add(pool.submit(() -> {
          int seen = 0;
          while (true) { // what RolloutService does: reload, decide again, save
            Rollout current = store.find(r.id()).orElseThrow();
            Rollout next = current.withState(current.state(), current.stepIndex(),
                current.stateSince(), Integer.toString(Integer.parseInt(current.reason()) + 1));
            SaveResult result = saveResult(next, current.version(), me, List.of(entry(me, null)));
            if (result == SaveResult.SAVED) {
              return seen;
            }
            assertEquals(SaveResult.CONFLICT, result);
            seen++;
          }
        }));
      }
      for (Future<Integer> f : conflicts) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    Rollout stored = store.find(r.id()).orElseThrow();
    assertEquals(writers + 1, stored.version());
    assertEquals(Integer.toString(writers), stored.reason(), "every increment survived");
    List<String> messages = store.audit(r.id()).stream().map(AuditEntry::message).toList();
    assertEquals(writers, messages.size());
    assertEquals(new TreeSet<>(IntStream.range(0, writers).mapToObj(i -> "writer-" + i).toList()),
        new TreeSet<>(messages));
  }

  @Test
  void listActiveFindsRolloutsTheControllerStillOwes() {
    store.save(simple("a-canary", "a", RolloutState.CANARY, TrafficIntent.desired(5).markApplied(),
        T0.plusSeconds(2)), 0, "e", List.of());
    store.save(simple("b-done", "b", RolloutState.PROMOTED, new TrafficIntent(100, true),
        T0.plusSeconds(1)), 0, "e", List.of());
    store.save(simple("c-superseded", "c", RolloutState.SUPERSEDED, TrafficIntent.desired(0),
        T0.plusSeconds(3)), 0, "e", List.of());
    store.save(simple("d-deploying", "d", RolloutState.DEPLOYING, TrafficIntent.none(), T0), 0, "e",
        List.of());

    assertEquals(List.of("d-deploying", "a-canary", "c-superseded"),
        store.listActive().stream().map(Rollout::id).toList(), "oldest first");
  }

  @Test
  void listActivePagesThroughEveryRollout() {
    FirestoreRolloutStore smallPages = new FirestoreRolloutStore(db, Clock.fixed(NOW, ZoneOffset.UTC), 2);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      String id = "svc" + i + "-r";
      // two share each creation time: the page cursor must not skip or repeat them
      smallPages.save(simple(id, "svc" + i, RolloutState.CANARY, TrafficIntent.none(),
          T0.plusSeconds(i / 2)), 0, "e", List.of());
      expected.add(id);
    }
    smallPages.save(simple("z-done", "z", RolloutState.FAILED, TrafficIntent.none(), T0), 0, "e",
        List.of());

    assertEquals(expected, smallPages.listActive().stream().map(Rollout::id).toList());
  }

  @Test
  void noStoreCallWaitsPastTheInvocationsDeadline() {
    Rollout r = simple("late-1", "late", RolloutState.CANARY, TrafficIntent.none(), T0);
    TransientFailure f = assertThrows(TransientFailure.class, () -> InvocationDeadline.within(
        Instant.now().minusMillis(1), () -> store.save(r, 0, "b1", List.of())));
    assertTrue(f.getMessage().contains("the invocation's deadline"), f.getMessage());
    assertTrue(store.find("late-1").isEmpty(), "nothing was written: the event is redelivered");
    assertEquals(SaveResult.SAVED, InvocationDeadline.within(Instant.now().plusSeconds(30),
        () -> store.save(r, 0, "b1", List.of())).result(), "in time, the same save goes through");
  }

  @Test
  void servicePointersFollowTheRollouts() {
    Rollout first = simple("web-1", "web", RolloutState.CANARY, TrafficIntent.none(), T0);
    store.save(first, 0, "b1", List.of());
    assertEquals(new ServicePointer("web", "us-central1", "web-1", "web-1"), store.pointer("web", "us-central1").orElseThrow());

    // A second rollout cannot go live while the first is in flight.
    Rollout second = simple("web-2", "web", RolloutState.DEPLOYING, TrafficIntent.none(), T0);
    assertEquals(SaveResult.BUSY, saveResult(second, 0, "b2", List.of()));
    assertEquals(new ServicePointer("web", "us-central1", "web-1", "web-1"), store.pointer("web", "us-central1").orElseThrow());

    // Superseded, its 0% still unconfirmed: it leaves the pointer, and the second can start.
    Rollout supersededPending = first.withState(RolloutState.SUPERSEDED, -1, T0, "newer build")
        .withTraffic(TrafficIntent.desired(0));
    store.save(supersededPending, 1, "s1", List.of());
    assertEquals(new ServicePointer("web", "us-central1", null, "web-1"), store.pointer("web", "us-central1").orElseThrow());
    assertEquals(SaveResult.SAVED, saveResult(second, 0, "b2", List.of()));
    assertEquals(new ServicePointer("web", "us-central1", "web-2", "web-2"), store.pointer("web", "us-central1").orElseThrow());

    // A save of the superseded one while its 0% is still unconfirmed (say, an audited
    // rejected command) must not take the pointer back from the rollout in flight.
    store.save(supersededPending, 2, "c1", List.of());
    assertEquals(new ServicePointer("web", "us-central1", "web-2", "web-2"), store.pointer("web", "us-central1").orElseThrow());

    // A later save of the active rollout keeps it; finishing it clears the pointer.
    store.save(second.withState(RolloutState.VERIFYING, -1, T0, "deployed"), 1, "d2", List.of());
    assertEquals(new ServicePointer("web", "us-central1", "web-2", "web-2"), store.pointer("web", "us-central1").orElseThrow());
    store.save(second.withState(RolloutState.FAILED, -1, T0, "smoke check failed"), 2, "f2",
        List.of());
    assertEquals(new ServicePointer("web", "us-central1", null, "web-2"), store.pointer("web", "us-central1").orElseThrow());
  }

  @Test
  void processedEventsExpireAfterAWeekAndKeepAwkwardIds() throws Exception {
    Rollout r = simple("svc-5", "svc", RolloutState.DEPLOYING, TrafficIntent.none(), T0);
    String eventId = "projects/p/subscriptions/s/messages/123%2F..";
    store.save(r, 0, eventId, List.of());

    assertTrue(store.processed(r.id(), eventId));
    assertFalse(store.processed(r.id(), "projects/p/subscriptions/s/messages/123"));
    DocumentSnapshot doc = db.collection("rollouts").document(r.id()).collection("events")
        .document(DocumentIds.event(eventId)).get().get();
    assertEquals(eventId, doc.getString("eventId"));
    assertEquals(Timestamp.ofTimeSecondsAndNanos(NOW.plus(Duration.ofDays(7)).getEpochSecond(), 0),
        doc.getTimestamp("expireAt"));
  }

  @Test
  void theRolloutDocumentCarriesTheQueryFields() throws Exception {
    Rollout r = simple("svc-6", "svc", RolloutState.CANARY, TrafficIntent.none(), T0);
    store.save(r, 0, "e", List.of(entry("one", null), entry("two", null)));

    DocumentSnapshot doc = db.collection("rollouts").document(r.id()).get().get();
    assertEquals(Boolean.TRUE, doc.getBoolean("active"));
    assertEquals(Timestamp.ofTimeSecondsAndNanos(T0.getEpochSecond(), 0), doc.getTimestamp("createdAt"));
    assertEquals(1L, doc.getLong("version"));
    assertEquals(2L, doc.getLong("auditCount"));
    assertTrue(doc.getString("policy").startsWith("{\"steps\""), "policy is stored as its JSON");
    assertEquals(Set.of(), store.find(r.id()).orElseThrow().stableIncidents());
  }

  @Test
  void aRollbackReportComesBackFromItsAuditEntryAndIsReadableInTheConsole() throws Exception {
    Rollout r = simple("svc-7", "svc", RolloutState.ROLLED_BACK, TrafficIntent.none(), T0);
    Instant trigger = T0.plusSeconds(330).plusMillis(250);
    RollbackReport full = new RollbackReport(r.id(), "svc", "img@sha256:00", "svc-00002-new",
        "svc-00001-old", T0.plusSeconds(20), new Trigger(trigger, Cause.JUDGE, "canaryrun",
            "FAIL: canary 5xx 60/2000 (3.00%) vs stable 1.00%"),
        List.of(new Share(T0.plusSeconds(26), 5, Duration.ofMinutes(5)),
            new Share(T0.plusSeconds(326), 20, Duration.ofMillis(5750))),
        Duration.ofMillis(305_750), 2000.0, 40.0, Duration.ofMillis(1500));
    // An alert rollback without a judged bucket, not yet confirmed, stable unknown.
    RollbackReport sparse = new RollbackReport(r.id(), "svc", "img@sha256:00", "svc-00002-new",
        null, null, new Trigger(trigger, Cause.ALERT, "cloud-monitoring", "incident 0.abc"),
        List.of(), Duration.ZERO, null, null, null);
    AuditEntry end = new AuditEntry(trigger.plusMillis(1500), "applied-0", "TrafficApplied",
        "canaryrun", RolloutState.ROLLING_BACK, RolloutState.ROLLED_BACK, 0, 0, "rolled back",
        null, full);
    AuditEntry other = entry("sparse", null).withReport(sparse);
    List<AuditEntry> audit = List.of(entry("before", null), end, other);

    store.save(r, 0, "e", audit);

    assertEquals(audit, store.audit(r.id()), "reports come back as they were written");
    DocumentSnapshot doc = db.collection("rollouts").document(r.id()).collection("audit")
        .document(DocumentIds.auditSeq(2)).get().get();
    assertEquals("JUDGE", doc.get("report.trigger.cause"));
    assertEquals(Timestamp.ofTimeSecondsAndNanos(trigger.getEpochSecond(), trigger.getNano()),
        doc.getTimestamp("report.trigger.at"), "times are timestamps, not strings");
    assertEquals(20L, doc.getLong("report.maxPercent"));
    assertEquals(1500L, doc.getLong("report.triggerToZeroMillis"));
    assertEquals(40.0, doc.getDouble("report.excessBadRequests"));
    assertFalse(db.collection("rollouts").document(r.id()).collection("audit")
        .document(DocumentIds.auditSeq(1)).get().get().contains("report"),
        "entries without a report have no report field");
  }

  private List<String> auditIds(String rolloutId) throws Exception {
    List<String> ids = new ArrayList<>();
    db.collection("rollouts").document(rolloutId).collection("audit").get().get().getDocuments()
        .forEach(d -> ids.add(d.getId()));
    return ids;
  }

  private SaveResult saveResult(Rollout r, long expectedVersion, String eventId,
      List<AuditEntry> audit) {
    return store.save(r, expectedVersion, eventId, audit).result();
  }
}
