package dev.canaryrun.gcp.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.canaryrun.fixtures.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PubSubMessageTest {
  private static final Instant CE_TIME = Instant.parse("2025-03-14T09:15:00.5Z");

  @Test
  void decodesTheCloudEventDataEventarcSends() throws Exception {
    JsonNode event = new ObjectMapper().readTree(Fixtures.bytes("pubsub/message-published.json"));
    byte[] data = new ObjectMapper().writeValueAsBytes(event.get("data"));
    PubSubMessage m = Messages.accepted(PubSubMessage.fromCloudEventData(data,
        event.get("id").asText(), CE_TIME));
    assertEquals("{}", m.text());
    assertEquals("14110273620551244", m.messageId());
    assertEquals(Instant.parse("2025-03-14T09:15:00.212Z"), m.publishTime());
    assertTrue(m.subscription().endsWith("canaryrun-on-phase-tick-514337-sub-201"));
    assertEquals(Map.of(), m.attributes());
  }

  @Test
  void decodesAPushRequestWithAttributes() {
    PubSubMessage m = Messages.accepted(PubSubMessage.fromCloudEventData(
        Fixtures.bytes("pubsub/push-request.json"), null, null));
    assertEquals("SUCCESS", m.attribute("status"));
    assertEquals("2070443601311540", m.messageId());
  }

  @Test
  void fallsBackToTheCloudEventIdAndTimeAsTheFrameworkConvertsThem() {
    // The Functions Framework's push conversion keeps messageId/publishTime, but a hand-made
    // CloudEvent may carry them only in its context attributes.
    byte[] data = "{\"message\":{\"data\":\"e30=\"}}".getBytes(StandardCharsets.UTF_8);
    PubSubMessage m = Messages.accepted(PubSubMessage.fromCloudEventData(data, "99", CE_TIME));
    assertEquals("99", m.messageId());
    assertEquals(CE_TIME, m.publishTime());
    assertNull(m.subscription());
  }

  @Test
  void messageWithoutDataHasEmptyData() {
    byte[] data = "{\"message\":{\"messageId\":\"1\",\"publishTime\":\"2025-03-14T09:15:00Z\"}}"
        .getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(new byte[0], Messages.accepted(
        PubSubMessage.fromCloudEventData(data, null, null)).data());
  }

  @Test
  void rejectsMalformedEnvelopes() {
    assertTrue(Messages.rejected(PubSubMessage.fromCloudEventData(
        Fixtures.bytes("pubsub/bad-data-not-base64.json"), "1", CE_TIME)).contains("base64"));
    assertTrue(Messages.rejected(PubSubMessage.fromCloudEventData(
        Fixtures.bytes("pubsub/bad-not-a-message.json"), "1", CE_TIME)).contains("\"message\""));
    assertTrue(Messages.rejected(PubSubMessage.fromCloudEventData(
        Fixtures.bytes("pubsub/bad-not-json.txt"), "1", CE_TIME)).contains("not valid JSON"));
    assertTrue(Messages.rejected(PubSubMessage.fromCloudEventData(new byte[0], "1", CE_TIME))
        .contains("no data"));
    assertTrue(Messages.rejected(PubSubMessage.fromCloudEventData(
        "{\"message\":{\"data\":\"e30=\"}}".getBytes(StandardCharsets.UTF_8), null, CE_TIME))
        .contains("messageId"));
    assertTrue(Messages.rejected(PubSubMessage.fromCloudEventData(
        new byte[PubSubMessage.MAX_ENVELOPE_BYTES + 1], "1", CE_TIME)).contains("over the limit"));
  }
}
