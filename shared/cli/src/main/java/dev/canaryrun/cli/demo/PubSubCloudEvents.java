package dev.canaryrun.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.ZoneOffset;
import java.util.Base64;

/**
 * Turns a Pub/Sub delivery into the CloudEvent a 2nd-gen function receives from its Eventarc
 * trigger ({@code google.cloud.pubsub.topic.v1.messagePublished}): the message in the data with
 * base64 data, attributes, and both the camelCase and snake_case id and time fields, as
 * Eventarc sends them.
 */
final class PubSubCloudEvents {
  static final String TYPE = "google.cloud.pubsub.topic.v1.messagePublished";
  private static final ObjectMapper JSON = new ObjectMapper();

  private PubSubCloudEvents() {}

  static CloudEvent of(String projectId, BusMessage m) {
    String published = m.publishTime().toString();
    ObjectNode root = JSON.createObjectNode();
    ObjectNode message = root.putObject("message");
    ObjectNode attributes = message.putObject("attributes");
    m.attributes().forEach(attributes::put);
    message.put("data", Base64.getEncoder().encodeToString(m.data()))
        .put("messageId", m.messageId())
        .put("message_id", m.messageId())
        .put("publishTime", published)
        .put("publish_time", published);
    root.put("subscription", "projects/" + projectId + "/subscriptions/" + m.subscription());
    return CloudEventBuilder.v1()
        .withId(m.messageId())
        .withSource(URI.create("//pubsub.googleapis.com/projects/" + projectId + "/topics/"
            + m.topic()))
        .withType(TYPE)
        .withTime(m.publishTime().atOffset(ZoneOffset.UTC))
        .withDataContentType("application/json")
        .withData(root.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .build();
  }
}
