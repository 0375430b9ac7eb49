package dev.canaryrun.functions.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.Firestore;
import dev.canaryrun.fixtures.emulator.EmulatorEnvironment;
import dev.canaryrun.fixtures.emulator.WithEmulators;
import dev.canaryrun.gcp.run.CloudRunClients;
import dev.canaryrun.gcp.store.FirestoreClients;
import dev.canaryrun.local.LocalControlPlane;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The wire proxy itself, with the real clients: a cut request never reaches the server, a lost
 * reply is lost after the server has seen (and applied) the request, delays delay, and the
 * clients reconnect through the proxy once it stops faulting.
 */
@WithEmulators
class WireFaultsTest {
  private static final String SERVICE = "projects/p/locations/europe-west1/services/wired";
  /** One attempt per call: the client's own retries would hide what the proxy did. */
  private static final CloudRunClients.Limits ONE_ATTEMPT =
      new CloudRunClients.Limits(Duration.ofSeconds(10), 1, Duration.ofSeconds(10));

  private final LocalControlPlane plane = LocalControlPlane.start(0);
  private WireFaults proxy;
  private CloudRunClients clients;

  @AfterEach
  void close() throws Exception {
    if (clients != null) {
      clients.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    plane.close();
  }

  private void runThrough(WireFaults.Rates rates) {
    plane.cloudRun().createService("projects/p/locations/europe-west1", "wired",
        "localhost/wire/app:v1");
    proxy = WireFaults.start("run", plane.endpoint(), 1, rates);
    clients = CloudRunClients.create(Optional.of(proxy.endpoint()), ONE_ATTEMPT);
  }

  @Test
  void withoutFaultsEverythingPasses() {
    runThrough(WireFaults.Rates.NONE);
    for (int i = 0; i < 5; i++) {
      assertEquals(SERVICE, clients.services().getService(SERVICE).getName());
    }
    assertEquals(5, plane.cloudRun().calls().count("GetService"));
    assertEquals(0, proxy.injected());
  }

  @Test
  void aCutRequestFailsUnavailableAndNeverReachesTheServer() {
    runThrough(new WireFaults.Rates(1, 0, 0, Duration.ZERO));
    plane.cloudRun().calls().clear();

    ApiException e = assertThrows(ApiException.class,
        () -> clients.services().getService(SERVICE));

    assertEquals(StatusCode.Code.UNAVAILABLE, e.getStatusCode().getCode(), e.toString());
    assertEquals(0, plane.cloudRun().calls().count("GetService"), "the server saw nothing");
    assertEquals(1, proxy.cuts.get());
    assertEquals(1, proxy.callsCut.get(), "the call in flight on the connection");
    assertEquals(0, proxy.lostReplies.get());
  }

  @Test
  void aLostReplyFailsTheClientAfterTheServerSawTheRequest() {
    runThrough(new WireFaults.Rates(0, 1, 0, Duration.ZERO));
    plane.cloudRun().calls().clear();

    ApiException e = assertThrows(ApiException.class,
        () -> clients.services().getService(SERVICE));

    assertEquals(StatusCode.Code.UNAVAILABLE, e.getStatusCode().getCode(), e.toString());
    assertEquals(1, plane.cloudRun().calls().count("GetService"), "the server got it whole");
    assertEquals(1, proxy.lostReplies.get());
    assertEquals(0, proxy.cuts.get());
  }

  @Test
  void afterTheFaultsStopTheClientReconnectsAndCallsPass() {
    runThrough(new WireFaults.Rates(1, 0, 0, Duration.ZERO));
    assertThrows(ApiException.class, () -> clients.services().getService(SERVICE));
    proxy.off();

    assertEquals(SERVICE, clients.services().getService(SERVICE).getName());
    assertTrue(proxy.connections.get() >= 2, "a new connection after the cut");
  }

  @Test
  void aDelayHoldsTheCallBack() {
    runThrough(new WireFaults.Rates(0, 0, 1, Duration.ofMillis(400)));
    clients.services().getService(SERVICE); // connect first: the handshake is not timed
    long t0 = System.nanoTime();
    clients.services().getService(SERVICE);
    long millis = (System.nanoTime() - t0) / 1_000_000;
    // Request and reply headers are each held 200 to 400 ms.
    assertTrue(millis >= 400, "took " + millis + " ms");
    assertTrue(proxy.delays.get() >= 4);
  }

  /**
   * The hazard lost replies bring to Firestore: a create whose commit reply is lost has been
   * applied, yet its client never hears so; retried once the wire is back it finds its own
   * write (ALREADY_EXISTS) or, unretried, reports UNAVAILABLE. Never success.
   */
  @Test
  void aFirestoreCommitWhoseReplyIsLostWasAppliedAndTheClientNeverHeard(EmulatorEnvironment env)
      throws Exception {
    proxy = WireFaults.start("firestore", env.firestoreHost(), 1,
        new WireFaults.Rates(0, 1, 0, Duration.ZERO));
    try (Firestore direct = FirestoreClients.create(env.projectId(), null, env.firestoreHost());
        Firestore wired = FirestoreClients.create(env.projectId(), null, proxy.endpoint())) {
      DocumentReference doc = wired.collection("wire").document("lost");
      CompletableFuture<Object> create = CompletableFuture.supplyAsync(() -> {
        try {
          return doc.create(Map.of("v", 1)).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
          return e;
        }
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (proxy.lostReplies.get() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      proxy.off(); // let the client's retries (if any) through

      Object outcome = create.get(90, TimeUnit.SECONDS);
      assertTrue(proxy.lostReplies.get() >= 1, "a reply was lost");
      assertTrue(outcome instanceof ExecutionException, "the create never succeeded: " + outcome);
      StatusCode.Code code = code((Throwable) outcome);
      assertTrue(code == StatusCode.Code.ALREADY_EXISTS || code == StatusCode.Code.UNAVAILABLE,
          outcome.toString());
      assertEquals(1L, direct.collection("wire").document("lost").get().get().getLong("v"),
          "applied all the same");
    }
  }

  private static StatusCode.Code code(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof ApiException api) {
        return api.getStatusCode().getCode();
      }
    }
    return null;
  }
}
