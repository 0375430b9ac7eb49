package dev.canaryrun.gcp.decode;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One Pub/Sub message as a {@code google.cloud.pubsub.topic.v1.messagePublished} CloudEvent
 * carries it: {@code {"message": {"data": base64, "attributes": {...}, "messageId": ...,
 * "publishTime": ...}, "subscription": ...}}. Eventarc also sends the snake_case twins
 * ({@code message_id}, {@code publish_time}); the Functions Framework's conversion of a raw push
 * request sends neither {@code subscription} nor always {@code attributes}. Both are accepted.
 *
 * @param data the decoded payload (empty when the message had none, as Scheduler can send)
 * @param messageId unique per topic; with the function's topic it is the idempotency key
 * @param publishTime when Pub/Sub accepted the message
 */
public record PubSubMessage(byte[] data, Map<String, String> attributes, String messageId,
    Instant publishTime, String subscription) {

  /** Every Pub/Sub-carried payload canaryrun reads is far below this (Pub/Sub allows 10 MB). */
  public static final int MAX_ENVELOPE_BYTES = 4 * 1024 * 1024;

  public PubSubMessage {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(publishTime, "publishTime");
    attributes = Map.copyOf(attributes);
  }

  public String text() {
    return new String(data, StandardCharsets.UTF_8);
  }

  public String attribute(String name) {
    return attributes.get(name);
  }

  /**
   * Decodes the CloudEvent's data.
   *
   * @param cloudEventId the CloudEvent id: the message id when the data does not repeat it
   * @param cloudEventTime the CloudEvent time: the publish time when the data does not repeat it
   */
  public static Decoded<PubSubMessage> fromCloudEventData(byte[] ceData, String cloudEventId,
      Instant cloudEventTime) {
    try {
      return Decoded.accepted(parse(ceData, cloudEventId, cloudEventTime));
    } catch (MalformedEventException e) {
      return Decoded.rejected(e.getMessage(), cloudEventId == null ? Map.of()
          : Map.of("eventId", cloudEventId));
    }
  }

  private static PubSubMessage parse(byte[] ceData, String ceId, Instant ceTime) {
    if (ceData == null || ceData.length == 0) {
      throw new MalformedEventException("the CloudEvent has no data: expected a Pub/Sub "
          + "messagePublished payload {\"message\": {...}}");
    }
    if (ceData.length > MAX_ENVELOPE_BYTES) {
      throw new MalformedEventException("the CloudEvent data is " + ceData.length
          + " bytes, over the limit of " + MAX_ENVELOPE_BYTES);
    }
    JsonNode root = Json.parse(ceData, "CloudEvent data");
    JsonNode message = root.get("message");
    if (message == null || !message.isObject()) {
      throw new MalformedEventException("the CloudEvent data has no \"message\" object: not a "
          + "Pub/Sub messagePublished event");
    }
    byte[] data = new byte[0];
    JsonNode d = message.get("data");
    if (d != null && !d.isNull()) {
      if (!d.isTextual()) {
        throw new MalformedEventException("message.data must be a base64 string, got "
            + d.getNodeType());
      }
      try {
        data = Base64.getDecoder().decode(d.asText().strip());
      } catch (IllegalArgumentException e) {
        throw new MalformedEventException("message.data is not valid base64: "
            + e.getMessage());
      }
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    JsonNode a = message.get("attributes");
    if (a != null && !a.isNull()) {
      if (!a.isObject()) {
        throw new MalformedEventException("message.attributes must be an object");
      }
      a.fields().forEachRemaining(f -> attributes.put(f.getKey(), f.getValue().asText()));
    }
    String id = firstText(message, "messageId", "message_id");
    if (id == null) {
      id = ceId;
    }
    if (id == null || id.isBlank()) {
      throw new MalformedEventException("the message has no messageId");
    }
    String published = firstText(message, "publishTime", "publish_time");
    Instant publishTime = published != null ? Json.instant(published, "message.publishTime")
        : ceTime;
    if (publishTime == null) {
      throw new MalformedEventException("the message has no publishTime");
    }
    JsonNode sub = root.get("subscription");
    return new PubSubMessage(data, attributes, id, publishTime,
        sub != null && sub.isTextual() ? sub.asText() : null);
  }

  private static String firstText(JsonNode node, String... names) {
    for (String n : names) {
      JsonNode v = node.get(n);
      if (v != null && v.isTextual() && !v.asText().isBlank()) {
        return v.asText();
      }
    }
    return null;
  }
}
