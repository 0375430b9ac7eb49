package dev.canaryrun.cli.demo;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/** One delivery of a Pub/Sub message to a subscription. */
record BusMessage(String topic, String subscription, String messageId, Instant publishTime,
    byte[] data, Map<String, String> attributes, int deliveryAttempt) {
  BusMessage {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(subscription, "subscription");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(publishTime, "publishTime");
    Objects.requireNonNull(data, "data");
    attributes = Map.copyOf(attributes);
  }
}
