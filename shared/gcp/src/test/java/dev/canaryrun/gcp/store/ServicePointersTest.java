package dev.canaryrun.gcp.store;

import static dev.canaryrun.gcp.store.TestRollouts.T0;
import static dev.canaryrun.gcp.store.TestRollouts.simple;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.firestore.Firestore;
import dev.canaryrun.fixtures.emulator.EmulatorEnvironment;
import dev.canaryrun.fixtures.emulator.WithEmulators;
import dev.canaryrun.port.RolloutStore.ServicePointer;
import dev.canaryrun.port.SaveResult;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutState;
import dev.canaryrun.rollout.TrafficIntent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One pointer per service and region, on the Firestore emulator; old pointers honoured. */
@WithEmulators
class ServicePointersTest {
  private static final String US = "us-central1";
  private static final String EU = "europe-west1";

  private Firestore db;
  private FirestoreRolloutStore store;
  private FirestoreRolloutHistory history;

  @BeforeEach
  void connect(EmulatorEnvironment env) {
    db = FirestoreClients.create(env.projectId(), null, env.firestoreHost());
    store = new FirestoreRolloutStore(db, Clock.fixed(Instant.parse("2025-03-01T12:00:00Z"),
        ZoneOffset.UTC));
    history = new FirestoreRolloutHistory(db);
  }

  @AfterEach
  void close() throws Exception {
    db.close();
  }

  private SaveResult save(Rollout r, long expected, String event) {
    return store.save(r, expected, event, List.of()).result();
  }

  private static Rollout live(String id, String service, String region) {
    return simple(id, service, region, RolloutState.CANARY, TrafficIntent.none(), T0);
  }

  @Test
  void theSameServiceInTwoRegionsHasTwoLiveRollouts() {
    assertEquals(SaveResult.SAVED, save(live("twins-us", "twins", US), 0, "b1"));
    assertEquals(SaveResult.SAVED, save(live("twins-eu", "twins", EU), 0, "b2"),
        "another region's rollout does not hold this one");
    assertEquals(new ServicePointer("twins", US, "twins-us", "twins-us"),
        store.pointer("twins", US).orElseThrow());
    assertEquals(new ServicePointer("twins", EU, "twins-eu", "twins-eu"),
        store.pointer("twins", EU).orElseThrow());
    assertEquals(List.of(store.pointer("twins", EU).orElseThrow(),
        store.pointer("twins", US).orElseThrow()), store.pointers("twins"));
    assertTrue(history.services().contains("twins"), "the pointer ids name the service");
    assertFalse(history.services().stream().anyMatch(s -> s.contains("@")));

    // Same service and region: BUSY, and the pointer still names the first.
    assertEquals(SaveResult.BUSY, save(live("twins-us2", "twins", US), 0, "b3"));
    assertEquals("twins-us", store.pointer("twins", US).orElseThrow().activeRolloutId());

    // Ending the US rollout frees the US region only.
    Rollout usDone = live("twins-us", "twins", US)
        .withState(RolloutState.PROMOTED, -1, T0, "promoted");
    assertEquals(SaveResult.SAVED, save(usDone, 1, "p1"));
    assertEquals(new ServicePointer("twins", US, null, "twins-us"),
        store.pointer("twins", US).orElseThrow());
    assertEquals("twins-eu", store.pointer("twins", EU).orElseThrow().activeRolloutId());
    assertEquals(SaveResult.SAVED, save(live("twins-us2", "twins", US), 0, "b3"));
  }

  @Test
  void aPointerWrittenBeforeRegionsStillHoldsItsRegion() throws Exception {
    // A rollout in flight during the upgrade: its pointer is services/{service}, no region.
    Rollout old = live("legacy-1", "legacy", US);
    assertEquals(SaveResult.SAVED, save(old, 0, "b0"));
    db.collection("services").document(ServicePointer.documentId("legacy", US)).delete().get();
    Map<String, Object> legacy = new HashMap<>();
    legacy.put("activeRolloutId", "legacy-1");
    legacy.put("lastRolloutId", "legacy-1");
    db.collection("services").document("legacy").set(legacy).get();

    assertEquals(new ServicePointer("legacy", US, "legacy-1", "legacy-1"),
        store.pointer("legacy", US).orElseThrow(), "read through the old document");
    assertTrue(store.pointer("legacy", EU).isEmpty(), "the old rollout is in us-central1");
    assertEquals(List.of(store.pointer("legacy", US).orElseThrow()), store.pointers("legacy"));

    // Not doubled in its region; another region is free.
    assertEquals(SaveResult.BUSY, save(live("legacy-2", "legacy", US), 0, "b1"));
    assertEquals(SaveResult.SAVED, save(live("legacy-eu", "legacy", EU), 0, "b2"));

    // A tick's save moves it to the keyed pointer; its end clears both.
    assertEquals(SaveResult.SAVED, save(old, 1, "t1"));
    assertEquals("legacy-1", store.pointer("legacy", US).orElseThrow().activeRolloutId());
    assertEquals(SaveResult.SAVED, save(old.withState(RolloutState.ROLLED_BACK, -1, T0,
        "rolled back"), 2, "r1"));
    assertEquals(null, db.collection("services").document("legacy").get().get()
        .getString("activeRolloutId"), "the old pointer no longer holds the region");
    assertEquals(new ServicePointer("legacy", US, null, "legacy-1"),
        store.pointer("legacy", US).orElseThrow());
    assertEquals(SaveResult.SAVED, save(live("legacy-2", "legacy", US), 0, "b1"));
    assertEquals("legacy-2", store.pointer("legacy", US).orElseThrow().lastRolloutId());
  }
}
