package dev.canaryrun.gcp.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.firestore.Firestore;
import dev.canaryrun.fixtures.Fixtures;
import dev.canaryrun.fixtures.emulator.EmulatorEnvironment;
import dev.canaryrun.fixtures.emulator.WithEmulators;
import dev.canaryrun.gcp.decode.BuildNotificationDecoder;
import dev.canaryrun.gcp.decode.Decoded;
import dev.canaryrun.gcp.decode.IncidentDecoder;
import dev.canaryrun.gcp.decode.PubSubMessage;
import dev.canaryrun.judge.Judgement;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.memory.InMemoryEventPublisher;
import dev.canaryrun.memory.InMemoryPolicyStore;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.port.TrafficRouter;
import dev.canaryrun.rollout.CommandType;
import dev.canaryrun.rollout.Effect.DeployRevision;
import dev.canaryrun.rollout.Effect.SetTraffic;
import dev.canaryrun.rollout.Limits;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import dev.canaryrun.rollout.RolloutState;
import dev.canaryrun.service.AlertRequest;
import dev.canaryrun.service.CommandRequest;
import dev.canaryrun.service.HandleResult;
import dev.canaryrun.service.RolloutService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, defect 6, on the Firestore emulator: stable-revision alerts whose ids, policy names
 * and summaries are as large as anyone sends cannot grow the rollout document past a few KB,
 * and the rollout stays operable. Before the fix a dozen alerts with 80 KB ids pushed it to
 * ~1 MB, after which every save (a rollback included) failed with INVALID_ARGUMENT.
 */
@WithEmulators
class BoundedRolloutDocumentTest {
  private static final Instant NOW = Fixtures.BUILD_FINISHED.plusSeconds(60);
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private Firestore db;
  private RolloutService service;

  private final TrafficRouter router = new TrafficRouter() {
    @Override
    public Deployment deploy(DeployRevision r) {
      return new Deployment(r.revision(), Fixtures.STABLE_REVISION,
          "https://canary---checkout-abc123-ew.a.run.app");
    }

    @Override
    public Deployment locate(dev.canaryrun.rollout.Effect.LocateRevision r) {
      return new Deployment(r.revision(), Fixtures.STABLE_REVISION, null);
    }

    @Override
    public void setTraffic(SetTraffic request) {}

    @Override
    public int candidatePercentServed(dev.canaryrun.rollout.Effect.ObserveTraffic request) {
      return 0;
    }
  };

  @BeforeEach
  void connect(EmulatorEnvironment env) {
    db = FirestoreClients.create(env.projectId(), null, env.firestoreHost());
    service = new RolloutService(new FirestoreRolloutStore(db, CLOCK),
        new InMemoryPolicyStore().watch(Fixtures.SERVICE, Fixtures.REGION,
            RolloutPolicy.defaults()),
        router, q -> Map.of(), s -> new dev.canaryrun.port.SmokeChecker.Result(true, "200"),
        new InMemoryEventPublisher(),
        (state, settings, in) -> new Judgement(Verdict.of(Outcome.INCONCLUSIVE, "t"), state),
        CLOCK, Duration.ofHours(1));
  }

  @AfterEach
  void close() throws Exception {
    service.close();
    db.close();
  }

  private static PubSubMessage message(byte[] data, Map<String, String> attributes, int id) {
    return new PubSubMessage(data, attributes, String.valueOf(id), NOW, null);
  }

  @Test
  void theLargestAlertsAnyoneSendsLeaveTheRolloutSmallAndOperable() throws Exception {
    String build = Fixtures.text("cloudbuild/build-success.json");
    BuildSucceeded b = ((Decoded.Accepted<dev.canaryrun.gcp.decode.BuildRelease>)
        new BuildNotificationDecoder().decode(message(build.getBytes(),
            Fixtures.buildAttributes(build), 1), "build:1")).value().event();
    String id = service.onBuildSucceeded(b).rolloutId();
    IncidentDecoder incidents = new IncidentDecoder();

    // Over the bound: rejected by the decoder, never reaching the store.
    String huge = Fixtures.edit("monitoring/incident-open-stable.json")
        .set("/incident/incident_id", "0." + "x".repeat(80_000)).text();
    assertInstanceOf(Decoded.Rejected.class, incidents.decode(message(huge.getBytes(), Map.of(),
        2), "alert:2"));

    // At the bound, many times over: accepted, and the document stays small.
    for (int i = 0; i < 60; i++) {
      String json = Fixtures.edit("monitoring/incident-open-stable.json")
          .set("/incident/incident_id", String.format("0.%0" + (Limits.MAX_INCIDENT_ID - 2)
              + "d", i))
          .set("/incident/policy_name", "p".repeat(10_000))
          .set("/incident/summary", "s".repeat(200_000)).text();
      Decoded<AlertRequest> d = incidents.decode(message(json.getBytes(), Map.of(), 100 + i),
          "alert:" + (100 + i));
      service.onAlert(((Decoded.Accepted<AlertRequest>) d).value());
    }
    Map<String, Object> doc = db.collection("rollouts").document(id).get().get().getData();
    long bytes = FirestoreSize.of(doc);
    assertTrue(bytes < 64 * 1024, "rollout document is " + bytes + " bytes");
    assertEquals(Limits.MAX_STABLE_INCIDENTS, ((List<?>) doc.get("stableIncidents")).size());

    HandleResult back = service.onCommand(new CommandRequest("command:9", NOW, Fixtures.SERVICE,
        null, CommandType.ROLLBACK, "alice@example.com", "bounded", null, null));
    assertEquals(HandleResult.Status.APPLIED, back.status(), back.message());
    assertEquals(RolloutState.ROLLED_BACK, back.state());
  }

  /** Firestore's storage-size rules, roughly: strings count their UTF-8 bytes plus one. */
  static final class FirestoreSize {
    static long of(Object v) {
      if (v instanceof Map<?, ?> m) {
        long n = 0;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          n += String.valueOf(e.getKey()).length() + 1 + of(e.getValue());
        }
        return n;
      }
      if (v instanceof List<?> l) {
        return l.stream().mapToLong(FirestoreSize::of).sum();
      }
      if (v instanceof String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
      }
      return 8;
    }
  }
}
