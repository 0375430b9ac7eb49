package dev.canaryrun.gcp.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.local.publish.CloudBuildMessages;
import dev.canaryrun.local.publish.MessagePublished;
import dev.canaryrun.local.publish.MonitoringIncidents;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import dev.canaryrun.service.AlertRequest;
import io.cloudevents.CloudEvent;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The messages the demo and the end-to-end tests publish (shared/local's builders) decode
 * through the production decoders exactly as the real samples do: if a builder drifted from
 * what Google sends, the demo would exercise a path production never takes.
 */
class LocalMessagesDecodeTest {
  private static final Instant AT = Instant.parse("2026-11-26T14:03:07.250Z");

  @Test
  void aBuildSuccessIsTheServicesRolloutOfTheImagePinnedByDigest() {
    String image = "localhost/demo/checkout:v2";
    CloudEvent e = MessagePublished.event("p", "cloud-builds", "OnBuildFinished",
        CloudBuildMessages.success("p", "b-1", "checkout", "europe-west1", image, AT),
        CloudBuildMessages.attributes("b-1", "SUCCESS"), "42", AT);
    PubSubMessage m = Messages.accepted(PubSubMessage.fromCloudEventData(e.getData().toBytes(),
        e.getId(), AT));
    assertEquals("42", m.messageId());
    assertEquals("SUCCESS", m.attribute("status"));

    BuildSucceeded b = Messages.accepted(new BuildNotificationDecoder()
        .decode(m, "build:1")).event();
    assertEquals("checkout", b.service());
    assertEquals("europe-west1", b.region());
    assertEquals("b-1", b.buildId());
    assertEquals("localhost/demo/checkout@" + CloudBuildMessages.digestOf(image), b.image());
    assertEquals(AT, b.occurredAt());
  }

  @Test
  void anIncidentOpensAndClosesOnTheRevisionItNames() {
    MonitoringIncidents incidents =
        new MonitoringIncidents("p", "checkout", "europe-west1", "checkout memory");
    Instant started = AT.truncatedTo(ChronoUnit.SECONDS);
    AlertRequest open = Messages.accepted(new IncidentDecoder().decode(Messages.of(
        incidents.open("0.abc", "checkout-00002-xyz", "memory above 85%", started), Map.of()),
        "alert:1"));
    assertTrue(open.open());
    assertEquals("checkout", open.service());
    assertEquals("checkout-00002-xyz", open.revision());
    assertEquals("0.abc", open.incidentId());
    assertEquals("checkout memory", open.policyName());
    assertEquals(started, open.occurredAt());

    AlertRequest closed = Messages.accepted(new IncidentDecoder().decode(Messages.of(
        incidents.closed("0.abc", "checkout-00002-xyz", "memory above 85%", started,
            started.plusSeconds(60)), Map.of()), "alert:2"));
    assertFalse(closed.open());
    assertEquals(started.plusSeconds(60), closed.occurredAt());
  }
}
