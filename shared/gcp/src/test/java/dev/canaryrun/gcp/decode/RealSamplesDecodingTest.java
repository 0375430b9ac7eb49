package dev.canaryrun.gcp.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.canaryrun.fixtures.Fixtures;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The decoders on payloads nobody here wrote ({@code fixtures/real/}, sources in its README):
 * canaryrun's own fixtures are pictures of Google Cloud; these are Google Cloud.
 */
class RealSamplesDecodingTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void aRealSuccessfulBuildResourceDecodesWithItsDigestRegionAndFinishTime() {
    byte[] build = Fixtures.real("cloudbuild-success-build-resource-vial-functions-README.jsonc");
    // The capture is the decoded message.data; Cloud Build sets the buildId/status attributes.
    PubSubMessage m = Messages.of(build, Fixtures.buildAttributes(
        new String(build, StandardCharsets.UTF_8)));

    BuildRelease release = Messages.accepted(
        new BuildNotificationDecoder().decode(m, "build:1"));
    BuildSucceeded b = release.event();

    assertEquals("vaccinate", b.service());
    assertEquals("us-west2", b.region(), "_DEPLOY_REGION wins over the default");
    assertEquals("us.gcr.io/django-vaccinateca/vaccinate@sha256:"
        + "55db666e6e12fd5d098fd9e80d28493520f3de26f77c62385d144d956477322f", b.image(),
        "the untagged and :latest names share one digest: one image, pinned by digest");
    assertEquals("859e111f-a238-44f7-9e06-0fc09fe9ed8f", b.buildId());
    assertEquals(Instant.parse("2021-04-28T17:25:35.558742Z"), b.occurredAt());
    assertNull(b.adoptRevision());
    assertEquals(BuildRelease.Origin.CANARYRUN_DEPLOYS, release.origin(),
        "its steps deploy nothing to Cloud Run (a honeycomb tag step runs gcloud, not run)");
  }

  @Test
  void theRealIncidentOnAnotherResourceTypeIsIgnored() {
    String why = Messages.ignored(new IncidentDecoder().decode(Messages.of(Fixtures.real(
        "monitoring-incident-1.2-open-cloud_function-webhook-capture.json"), Map.of()), "a:1"));
    assertTrue(why.contains("cloud_function"), why);
  }

  @Test
  void theRealConsoleTestNotificationIsIgnored() {
    String why = Messages.ignored(new IncidentDecoder().decode(Messages.of(Fixtures.real(
        "monitoring-console-test-notification-webhook-capture.json"), Map.of()), "a:2"));
    assertTrue(why.contains("test notification"), why);
  }

  @Test
  void aRealCrossSeriesIncidentWithoutRevisionLabelsIsNotMistakenForACanaryIncident() {
    Decoded<?> d = new IncidentDecoder().decode(Messages.of(Fixtures.real(
        "monitoring-incident-1.2-open-gce-crossSeriesReducer-cloudforet.json"), Map.of()), "a:3");
    assertTrue(d instanceof Decoded.Ignored<?>, d.toString());
  }

  @Test
  void theEnvelopeEventarcReallySendsDecodesWithItsSnakeCaseTwinsAndNoAttributes() {
    PubSubMessage m = Messages.accepted(PubSubMessage.fromCloudEventData(Fixtures.real(
        "pubsub-eventarc-observed-body-google-cloudevents-issue151.json"), null, null));
    assertEquals("1981947010177954", m.messageId());
    assertEquals(Instant.parse("2021-02-05T04:06:14.109Z"), m.publishTime());
    assertEquals(Map.of(), m.attributes());
    assertEquals("Do that thing, yo! I love it", m.text());
    assertTrue(m.subscription().contains("eventarc-us-central1"));
  }

  @Test
  void googlesOwnTestDataDecodes() throws Exception {
    PubSubMessage typed = Messages.accepted(PubSubMessage.fromCloudEventData(Fixtures.real(
        "pubsub-messagePublished-data-duplicatedFields-google-cloudevents.json"), null, null));
    assertTrue(typed.messageId().length() > 0);

    // No publishTime in the data: the CloudEvent's time stands in.
    Instant ceTime = Instant.parse("2021-02-05T04:06:14.109Z");
    PubSubMessage binary = Messages.accepted(PubSubMessage.fromCloudEventData(Fixtures.real(
        "pubsub-messagePublished-data-no-publishTime-google-cloudevents.json"), "ce-1", ceTime));
    assertArrayEquals(new byte[] {1, 2, 3, 4}, binary.data());

    PubSubMessage withAttributes = Messages.accepted(PubSubMessage.fromCloudEventData(
        Fixtures.real("pubsub-messagePublished-data-attributes-google-cloudevents.json"),
        null, null));
    assertTrue(!withAttributes.attributes().isEmpty());

    JsonNode structured = MAPPER.readTree(Fixtures.real(
        "pubsub-messagePublished-structured-cloudevent-google-cloudevents.json"));
    PubSubMessage s = Messages.accepted(PubSubMessage.fromCloudEventData(
        MAPPER.writeValueAsBytes(structured.get("data")), structured.get("id").asText(), null));
    assertEquals("attr1-value", s.attribute("attr1"));
    assertEquals("test message 3", s.text());
  }
}
