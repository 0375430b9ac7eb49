package dev.canaryrun.gcp.store;

import static dev.canaryrun.gcp.store.TestRollouts.T0;
import static dev.canaryrun.gcp.store.TestRollouts.simple;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;

import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutures;
import com.google.api.gax.grpc.GrpcStatusCode;
import com.google.api.gax.rpc.ApiExceptionFactory;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Transaction;
import com.google.cloud.firestore.TransactionOptions;
import dev.canaryrun.fixtures.emulator.EmulatorEnvironment;
import dev.canaryrun.fixtures.emulator.WithEmulators;
import dev.canaryrun.port.SaveOutcome;
import dev.canaryrun.port.SaveResult;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutState;
import dev.canaryrun.rollout.TrafficIntent;
import io.grpc.Status;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On the Firestore emulator: the transaction that creates a rollout owns the service's pointer,
 * so racing creators leave one live rollout; and a commit whose reply is lost is recognised as
 * applied instead of being acked as a permanent failure.
 */
@WithEmulators
class OneLiveRolloutAndLostRepliesTest {
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
  void racingCreatorsOfOneServiceLeaveExactlyOneLiveRollout() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      // Each round costs the emulator's 2 s lock wait for the loser: 4 rounds are enough.
      for (int round = 0; round < 4; round++) {
        String svc = "race" + round;
        CyclicBarrier together = new CyclicBarrier(2);
        List<Future<SaveResult>> saves = new ArrayList<>();
        for (String who : List.of("a", "b")) {
          Rollout r = simple(svc + "-" + who, svc, RolloutState.DEPLOYING, TrafficIntent.none(),
              T0);
          saves.add(pool.submit(() -> {
            together.await(5, TimeUnit.SECONDS);
            return store.save(r, 0, "build-" + who, List.of()).result();
          }));
        }
        List<SaveResult> results = new ArrayList<>();
        for (Future<SaveResult> f : saves) {
          results.add(f.get(30, TimeUnit.SECONDS));
        }
        assertEquals(1, results.stream().filter(SaveResult.SAVED::equals).count(), "" + results);
        assertEquals(1, results.stream().filter(SaveResult.BUSY::equals).count(), "" + results);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aTerminalRolloutCannotComeBackToLifeWhileAnotherIsInFlight() {
    Rollout old = simple("svc-old", "svc", RolloutState.DEPLOYING, TrafficIntent.none(), T0);
    store.save(old, 0, "c1", List.of());
    store.save(old.withState(RolloutState.FAILED, -1, T0, "smoke"), 1, "f1", List.of());
    Rollout now = simple("svc-new", "svc", RolloutState.DEPLOYING, TrafficIntent.none(), T0);
    assertEquals(SaveResult.SAVED, store.save(now, 0, "c2", List.of()).result());
    Rollout retried = old.withState(RolloutState.DEPLOYING, -1, T0, "retry");
    assertEquals(SaveResult.BUSY, store.save(retried, 2, "retry", List.of()).result());
    assertEquals(RolloutState.FAILED, store.find("svc-old").orElseThrow().state());
  }

  @Test
  void aCommitWhoseReplyWasLostIsReportedAsSavedWithTheStoredRollout() {
    Firestore lossy = spy(db);
    doAnswer(inv -> {
      ApiFuture<?> real = (ApiFuture<?>) inv.callRealMethod();
      real.get(30, TimeUnit.SECONDS); // the commit applied...
      // ...and what came back is what the client says when it retries a closed transaction.
      return ApiFutures.immediateFailedFuture(ApiExceptionFactory.createException(
          "Transaction is invalid or closed", null,
          GrpcStatusCode.of(Status.Code.INVALID_ARGUMENT), false));
    }).when(lossy).runTransaction(any(Transaction.Function.class), any(TransactionOptions.class));
    FirestoreRolloutStore lossyStore = new FirestoreRolloutStore(lossy,
        Clock.fixed(NOW, ZoneOffset.UTC));
    Rollout r = simple("svc-lost", "svc", RolloutState.DEPLOYING, TrafficIntent.none(), T0);

    SaveOutcome saved = lossyStore.save(r, 0, "build-lost", List.of());

    assertEquals(SaveResult.SAVED, saved.result());
    assertEquals(r.stored(1, NOW), saved.stored());
  }

  /**
   * Found while putting the chaos suite's faults on the wire (from the client's transaction
   * runner and the emulator, not from a violation): a commit whose reply is lost fails
   * UNAVAILABLE, and the runner rolls back (the emulator accepts that for a committed
   * transaction) and runs the function again on a new transaction. That run finds the event's
   * record, written by the lost commit, and was reported as DUPLICATE: the event was acked with
   * the decision's effects (a deploy, a traffic change) never run.
   */
  @Test
  void aCommitWhoseReplyWasLostAndThatTheClientRanAgainIsSavedNotADuplicate() {
    Firestore rerun = spy(db);
    doAnswer(inv -> {
      ApiFuture<?> first = (ApiFuture<?>) inv.callRealMethod();
      first.get(30, TimeUnit.SECONDS); // applied; the client heard UNAVAILABLE...
      return inv.callRealMethod(); // ...and its runner ran the function again
    }).when(rerun).runTransaction(any(Transaction.Function.class), any(TransactionOptions.class));
    FirestoreRolloutStore rerunStore = new FirestoreRolloutStore(rerun,
        Clock.fixed(NOW, ZoneOffset.UTC));
    Rollout r = simple("svc-rerun", "svc", RolloutState.DEPLOYING, TrafficIntent.none(), T0);

    SaveOutcome saved = rerunStore.save(r, 0, "build-rerun", List.of());

    assertEquals(SaveResult.SAVED, saved.result());
    assertEquals(r.stored(1, NOW), saved.stored());
  }

  /** The other side of it: a record written by another copy of the event is a duplicate. */
  @Test
  void aFailedCommitAfterAnotherCopyOfTheEventSavedIsADuplicate() {
    Rollout r = simple("svc-copy", "svc", RolloutState.DEPLOYING, TrafficIntent.none(), T0);
    Firestore raced = spy(db);
    doAnswer(inv -> {
      store.save(r, 0, "build-copy", List.of()); // the other copy, between our read and commit
      return ApiFutures.immediateFailedFuture(ApiExceptionFactory.createException(
          "Transaction is invalid or closed", null,
          GrpcStatusCode.of(Status.Code.INVALID_ARGUMENT), false));
    }).when(raced).runTransaction(any(Transaction.Function.class), any(TransactionOptions.class));
    FirestoreRolloutStore racedStore = new FirestoreRolloutStore(raced,
        Clock.fixed(NOW, ZoneOffset.UTC));

    assertEquals(SaveResult.DUPLICATE, racedStore.save(r, 0, "build-copy", List.of()).result());
  }

  @Test
  void aFailedCommitThatDidNotApplyIsRetriedNotAcked() {
    Firestore broken = spy(db);
    doAnswer(inv -> ApiFutures.immediateFailedFuture(ApiExceptionFactory.createException(
        "Transaction is invalid or closed", null,
        GrpcStatusCode.of(Status.Code.INVALID_ARGUMENT), false)))
        .when(broken).runTransaction(any(Transaction.Function.class),
            any(TransactionOptions.class));
    FirestoreRolloutStore brokenStore = new FirestoreRolloutStore(broken,
        Clock.fixed(NOW, ZoneOffset.UTC));
    Rollout r = simple("svc-unsent", "svc", RolloutState.DEPLOYING, TrafficIntent.none(), T0);

    assertThrows(TransientFailure.class, () -> brokenStore.save(r, 0, "build-unsent", List.of()));
  }
}
