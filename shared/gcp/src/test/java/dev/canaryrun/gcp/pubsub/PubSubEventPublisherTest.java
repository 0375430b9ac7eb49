package dev.canaryrun.gcp.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PullResponse;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.SubscriptionName;
import dev.canaryrun.fixtures.emulator.EmulatorEnvironment;
import dev.canaryrun.fixtures.emulator.WithEmulators;
import dev.canaryrun.gcp.notify.ChatMessage;
import dev.canaryrun.gcp.notify.ChatTarget;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.report.RollbackReport;
import dev.canaryrun.report.RollbackReport.Cause;
import dev.canaryrun.report.RollbackReport.Share;
import dev.canaryrun.report.RollbackReport.Trigger;
import dev.canaryrun.rollout.Effect.Notify;
import dev.canaryrun.rollout.Effect.ScheduleTick;
import dev.canaryrun.rollout.NotificationType;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutSpec;
import dev.canaryrun.rollout.RolloutState;
import dev.canaryrun.rollout.RolloutStatus;
import dev.canaryrun.rollout.TrafficIntent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@WithEmulators
class PubSubEventPublisherTest {
  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  private PubSubClients clients;
  private TopicAdminClient topics;
  private SubscriptionAdminClient subscriptions;
  private PubSubEventPublisher publisher;

  @BeforeEach
  void connect(EmulatorEnvironment env) throws Exception {
    clients = PubSubClients.emulator(env.projectId(), env.pubsubHost());
    topics = clients.topicAdmin();
    subscriptions = clients.subscriptionAdmin();
    publisher = new PubSubEventPublisher(clients, "canaryrun-events", "canaryrun-ticks",
        Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(10));
  }

  @AfterEach
  void close() {
    publisher.close();
    topics.close();
    subscriptions.close();
    clients.close();
  }

  @Test
  void notificationsCarryJsonAttributesAndTheRolloutAsOrderingKey() throws Exception {
    SubscriptionName sub = topicWithSubscription("canaryrun-events");
    Rollout r = rollout();

    publisher.notify(r, new Notify(NotificationType.STEP_ADVANCED, "advanced to 20%",
        Map.of("step", 1, "verdict", "PASS", "at", NOW, "figures", Map.of("eValue", 120.5))));
    publisher.notify(r, new Notify(NotificationType.PAUSED, "paused by alice", Map.of()));

    List<PubsubMessage> messages = pull(sub, 2);
    PubsubMessage first = messages.get(0);
    assertEquals(Map.of("type", "STEP_ADVANCED", "service", "checkout", "rolloutId", "checkout-7f3a",
        "region", "europe-west1"), first.getAttributesMap());
    assertEquals("checkout-7f3a", first.getOrderingKey());
    JsonNode body = JSON.readTree(first.getData().toStringUtf8());
    assertEquals(JSON.readTree("""
        {"type": "STEP_ADVANCED", "rolloutId": "checkout-7f3a", "service": "checkout",
         "region": "europe-west1", "releaseId": null, "state": "CANARY", "candidatePercent": 20, "message": "advanced to 20%",
         "details": {"at": "2025-03-01T12:00:00Z", "figures": {"eValue": 120.5}, "step": 1,
                     "verdict": "PASS"},
         "at": "2025-03-01T12:00:00Z"}
        """), body);
    assertEquals("PAUSED", messages.get(1).getAttributesOrThrow("type"), "in publish order");
  }

  @Test
  void aRegionOfAReleaseSaysItsReleaseAndRegion() throws Exception {
    SubscriptionName sub = topicWithSubscription("canaryrun-events");
    Rollout one = rollout();
    RolloutSpec s = one.spec();
    Rollout r = new Rollout(new RolloutSpec("checkout-7f3a@us-central1", s.service(),
        "us-central1", s.image(), s.buildId(), s.builtAt(), s.candidateRevision(), false,
        s.policy(), s.createdAt(), null, "checkout-7f3a", 1), one.status(), 3, one.updatedAt());
    publisher.notify(r, new Notify(NotificationType.STARTED, "started", Map.of()));
    PubsubMessage m = pull(sub, 1).get(0);
    assertEquals("checkout-7f3a", m.getAttributesOrThrow("releaseId"));
    assertEquals("us-central1", m.getAttributesOrThrow("region"));
    JsonNode body = JSON.readTree(m.getData().toStringUtf8());
    assertEquals("checkout-7f3a", body.get("releaseId").asText());
    assertEquals("us-central1", body.get("region").asText());
  }

  @Test
  void aRolledBackEventCarriesItsReportAsAnObjectThatTheChatMessageReads() throws Exception {
    SubscriptionName sub = topicWithSubscription("canaryrun-events");
    RollbackReport report = new RollbackReport("checkout-7f3a", "checkout", "img@sha256:00",
        "checkout-7f3a", "checkout-00041-abc", NOW.minusSeconds(400),
        new Trigger(NOW.minusSeconds(2), Cause.ALERT, "cloud-monitoring", "incident 0.abc"),
        List.of(new Share(NOW.minusSeconds(300), 5, Duration.ofMillis(298_000))),
        Duration.ofMillis(298_000), 1200.0, 12.4, Duration.ofMillis(2000));

    publisher.notify(rollout(), new Notify(NotificationType.ROLLED_BACK, "rolled back",
        Map.of("state", "ROLLED_BACK", "report", report.fields())));

    JsonNode body = JSON.readTree(pull(sub, 1).get(0).getData().toStringUtf8());
    JsonNode r = body.path("details").path("report");
    assertEquals("ALERT", r.path("trigger").path("cause").asText(), body::toString);
    assertEquals(NOW.minusSeconds(2).toString(), r.path("trigger").path("at").asText());
    assertEquals(2000, r.path("triggerToZeroMillis").asLong());
    assertEquals(1200.0, r.path("requests").asDouble());
    assertEquals(5, r.path("shares").get(0).path("percent").asInt());
    String text = ChatMessage.text(body, "p", ChatTarget.Kind.SLACK);
    assertTrue(text.contains("• requests: 1200 served by the candidate as judged, 12 excess bad"
        + " requests"), text);
    assertTrue(text.contains("• recovery: trigger → 0% at Cloud Run in 2.00 s"), text);
  }

  @Test
  void ticksCarryTheRolloutAndTheExpectedStep() throws Exception {
    SubscriptionName sub = topicWithSubscription("canaryrun-ticks");

    publisher.scheduleTick(new ScheduleTick("checkout-7f3a", 2));

    PubsubMessage tick = pull(sub, 1).get(0);
    assertEquals(JSON.readTree("{\"rolloutId\": \"checkout-7f3a\", \"expectedStep\": 2}"),
        JSON.readTree(tick.getData().toStringUtf8()));
    assertEquals(Map.of("rolloutId", "checkout-7f3a"), tick.getAttributesMap());
    assertEquals("", tick.getOrderingKey());
  }

  @Test
  void aFailedPublishIsTransientAndDoesNotBlockTheRollout() throws Exception {
    Rollout r = rollout();
    Notify n = new Notify(NotificationType.STARTED, "started", Map.of());

    // No topic yet: the publish fails, and its ordering key is paused until resumed.
    TransientFailure e = assertThrows(TransientFailure.class, () -> publisher.notify(r, n));
    assertTrue(e.getMessage().contains("canaryrun-events"), e.getMessage());

    SubscriptionName sub = topicWithSubscription("canaryrun-events");
    publisher.notify(r, n); // the redelivered event publishes again on the same key
    assertEquals("STARTED", pull(sub, 1).get(0).getAttributesOrThrow("type"));
  }

  private SubscriptionName topicWithSubscription(String topic) {
    topics.createTopic(clients.topic(topic));
    SubscriptionName sub = SubscriptionName.of(clients.projectId(), topic + "-test");
    subscriptions.createSubscription(Subscription.newBuilder()
        .setName(sub.toString())
        .setTopic(clients.topic(topic).toString())
        .setEnableMessageOrdering(true)
        .setAckDeadlineSeconds(60)
        .build());
    return sub;
  }

  /** Pulls until {@code count} messages arrived (the emulator may return them in parts). */
  private List<PubsubMessage> pull(SubscriptionName sub, int count) {
    List<PubsubMessage> out = new ArrayList<>();
    Instant deadline = Instant.now().plusSeconds(10);
    while (out.size() < count && Instant.now().isBefore(deadline)) {
      PullResponse response = subscriptions.pull(sub, count - out.size());
      List<String> acks = new ArrayList<>();
      for (ReceivedMessage m : response.getReceivedMessagesList()) {
        out.add(m.getMessage());
        acks.add(m.getAckId());
      }
      if (!acks.isEmpty()) {
        subscriptions.acknowledge(sub, acks);
      }
    }
    assertEquals(count, out.size(), "messages pulled from " + sub);
    return out;
  }

  private static Rollout rollout() {
    Instant t = NOW.minusSeconds(600);
    return new Rollout(new RolloutSpec("checkout-7f3a", "checkout", "europe-west1",
        "img@sha256:00", "7f3a", t, "checkout-7f3a", false, RolloutPolicy.defaults(), t),
        new RolloutStatus(RolloutState.CANARY, 1, t, "checkout-00041", null,
            TrafficIntent.desired(20), null, null, null, Set.of(), "step 2", null), 3, t);
  }
}
