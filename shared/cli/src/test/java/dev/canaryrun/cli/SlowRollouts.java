package dev.canaryrun.cli;

import com.google.cloud.firestore.Firestore;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.canaryrun.gcp.pubsub.PubSubClients;
import dev.canaryrun.gcp.store.FirestoreRolloutStore;
import dev.canaryrun.local.publish.CloudBuildMessages;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutIds;
import dev.canaryrun.rollout.RolloutState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A rollout that stays at its first step while a test steers it, on the state
 * {@code ./canaryrun demo --keep} leaves: a policy with hour-long dwells, then a Cloud Build
 * success published to {@code cloud-builds} for the real functions to pick up.
 */
public final class SlowRollouts {
  private SlowRollouts() {}

  /** Starts one and waits until its first step's traffic is confirmed; returns its id. */
  public static String start(Map<String, String> env, Firestore db, FirestoreRolloutStore store,
      String service, String image) throws Exception {
    String region = env.get("CANARYRUN_REGION");
    db.collection("policies").document(service).set(Map.of("region", region, "policy",
        "{\"steps\": [{\"percent\": 10, \"minDwellSeconds\": 3600}, {\"percent\": 50, "
            + "\"minDwellSeconds\": 3600}], \"metrics\": {\"alignmentPeriodSeconds\": 1, "
            + "\"ingestDelaySeconds\": 1}, \"smokeCheck\": {\"path\": \"/\", \"attempts\": 3, "
            + "\"timeoutSeconds\": 2}}")).get();
    String buildId = UUID.randomUUID().toString();
    String project = env.get("CANARYRUN_PROJECT");
    try (PubSubClients pubsub = PubSubClients.emulator(project, env.get("PUBSUB_EMULATOR_HOST"))) {
      Publisher p = pubsub.publisher("cloud-builds", false);
      p.publish(PubsubMessage.newBuilder().setData(ByteString.copyFrom(CloudBuildMessages
          .success(project, buildId, service, region, image, Instant.now())))
          .putAllAttributes(CloudBuildMessages.attributes(buildId, "SUCCESS")).build())
          .get(10, TimeUnit.SECONDS);
      p.shutdown();
    }
    String id = RolloutIds.forBuild(service, buildId);
    awaitState(store, id, RolloutState.CANARY);
    return id;
  }

  /** Waits (30 s at most) until the rollout is in {@code state} with its traffic confirmed. */
  public static void awaitState(FirestoreRolloutStore store, String id, RolloutState state)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    Optional<Rollout> r = Optional.empty();
    while (Instant.now().isBefore(deadline)) {
      r = store.find(id);
      if (r.isPresent() && r.get().state() == state && r.get().traffic().applied()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(id + " never reached " + state + ": " + r);
  }
}
