package dev.canaryrun.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.functions.CloudEventsFunction;
import dev.canaryrun.gcp.decode.Decoded;
import dev.canaryrun.gcp.decode.PubSubMessage;
import dev.canaryrun.gcp.notify.ChatMessage;
import dev.canaryrun.gcp.notify.ChatTarget;
import dev.canaryrun.gcp.notify.ChatTargets;
import dev.canaryrun.gcp.notify.WebhookSender;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Lifecycle events ({@code canaryrun-events}) to people: each event goes to the chat targets
 * that want its type and service (Slack, Google Chat, Microsoft Teams), each in its own format. It runs apart from the controller, on
 * the controller's output topic, so a dead webhook can never delay or fail a rollout decision;
 * and it never throws (every event is acked), so a broken webhook cannot turn into Pub/Sub
 * redelivering the same event forever: {@link WebhookSender} retries transient failures a
 * bounded number of times and gives up on 4xx at once.
 */
public class OnLifecycleEvent implements CloudEventsFunction {
  private static final Logger LOG = Logger.getLogger(OnLifecycleEvent.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<ChatTarget> targets;
  private final WebhookSender sender;
  private final String projectId;

  /** As deployed: targets and URLs from the environment (Terraform, Secret Manager). */
  public OnLifecycleEvent() {
    this(System.getenv(), WebhookSender.defaults());
  }

  OnLifecycleEvent(Map<String, String> env, WebhookSender sender) {
    this.targets = ChatTargets.fromEnvironment(env);
    this.sender = sender;
    this.projectId = env.getOrDefault(Env.PROJECT, "");
  }

  @Override
  public void accept(CloudEvent event) {
    byte[] data = event.getData() == null ? new byte[0] : event.getData().toBytes();
    Instant time = event.getTime() == null ? Instant.now() : event.getTime().toInstant();
    Decoded<PubSubMessage> m = PubSubMessage.fromCloudEventData(data, event.getId(), time);
    if (!(m instanceof Decoded.Accepted<PubSubMessage> accepted)) {
      LOG.severe(() -> "malformed lifecycle event " + event.getId() + " acked: " + m);
      return;
    }
    JsonNode body;
    try {
      body = JSON.readTree(accepted.value().data());
    } catch (IOException e) {
      LOG.severe(() -> "lifecycle event " + event.getId() + " is not JSON, acked: " + e);
      return;
    }
    String type = body.path("type").asText("");
    String service = body.path("service").asText("");
    for (ChatTarget t : targets) {
      if (t.wants(type, service)) {
        WebhookSender.Delivery d = sender.send(t, ChatMessage.body(t.kind(), body, projectId));
        LOG.info(() -> type + " of " + body.path("rolloutId").asText() + " to " + t.name()
            + ": " + (d.delivered() ? "delivered" : "not delivered (" + d.problem() + ")")
            + " after " + d.attempts() + " attempt(s)");
      }
    }
  }
}
