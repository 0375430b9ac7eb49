package dev.canaryrun.local.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;

/**
 * The CloudEvent a 2nd-gen function receives from its Eventarc Pub/Sub trigger
 * ({@code google.cloud.pubsub.topic.v1.messagePublished}), the one builder of it for the demo
 * and the tests. Its data is the message as Eventarc sends it: base64 data, attributes (left
 * out when there are none) and both the camelCase and snake_case id and time fields, plus the
 * subscription; a push subscription's request body has the same JSON.
 */
public final class MessagePublished {
  public static final String TYPE = "google.cloud.pubsub.topic.v1.messagePublished";
  private static final ObjectMapper JSON = new ObjectMapper();

  private MessagePublished() {}

  /** The event for a message of {@code topic} delivered through {@code subscription} (ids). */
  public static CloudEvent event(String projectId, String topic, String subscription,
      byte[] payload, Map<String, String> attributes, String messageId, Instant publishTime) {
    return CloudEventBuilder.v1()
        .withId(messageId)
        .withSource(URI.create("//pubsub.googleapis.com/projects/" + projectId + "/topics/"
            + topic))
        .withType(TYPE)
        .withTime(publishTime.atOffset(ZoneOffset.UTC))
        .withDataContentType("application/json")
        .withData(data(payload, attributes, messageId, publishTime,
            "projects/" + projectId + "/subscriptions/" + subscription))
        .build();
  }

  /** The event's data, {@code {"message": {...}, "subscription": "projects/p/subscriptions/s"}}. */
  public static byte[] data(byte[] payload, Map<String, String> attributes, String messageId,
      Instant publishTime, String subscriptionName) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode m = root.putObject("message");
    if (attributes != null && !attributes.isEmpty()) {
      m.set("attributes", JSON.valueToTree(attributes));
    }
    m.put("data", Base64.getEncoder().encodeToString(payload))
        .put("messageId", messageId)
        .put("publishTime", publishTime.toString())
        .put("message_id", messageId)
        .put("publish_time", publishTime.toString());
    root.put("subscription", subscriptionName);
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }
}
