package dev.canaryrun.gcp.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.fixtures.Fixtures;
import dev.canaryrun.service.AlertRequest;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IncidentDecoderTest {
  private final IncidentDecoder decoder = new IncidentDecoder();

  @Test
  void openIncidentOnARevision() {
    AlertRequest a = Messages.accepted(decoder.decode(
        Messages.fixture("monitoring/incident-open-canary.json"), "alert:1"));
    assertTrue(a.open());
    assertEquals(Fixtures.SERVICE, a.service());
    assertEquals(Fixtures.ROLLOUT_ID, a.revision());
    assertEquals("0.ndc7wrb1le2h", a.incidentId());
    assertEquals("checkout 5xx rate", a.policyName());
    assertEquals(Instant.ofEpochSecond(1741943912), a.occurredAt());
    assertTrue(a.summary().contains("above the threshold"));
  }

  @Test
  void closedIncidentHappenedWhenItEnded() {
    AlertRequest a = Messages.accepted(decoder.decode(
        Messages.fixture("monitoring/incident-closed-canary.json"), "alert:2"));
    assertFalse(a.open());
    assertEquals(Instant.ofEpochSecond(1741944331), a.occurredAt());
  }

  @Test
  void stateIsCaseBlind() {
    assertTrue(Messages.accepted(decoder.decode(
        Messages.fixture("monitoring/incident-open-uppercase-state.json"), "a")).open());
  }

  @Test
  void stableRevisionIncidentIsDecodedLikeAnyOther() {
    // Whether a revision is the canary or the stable one is the service's call, not the decoder's.
    assertEquals(Fixtures.STABLE_REVISION, Messages.accepted(decoder.decode(
        Messages.fixture("monitoring/incident-open-stable.json"), "a")).revision());
  }

  @Test
  void consoleTestNotificationIsIgnored() {
    assertTrue(Messages.ignored(decoder.decode(
        Messages.fixture("monitoring/incident-test-notification.json"), "a"))
        .contains("test notification"));
  }

  @Test
  void otherResourceTypesAreIgnored() {
    assertTrue(Messages.ignored(decoder.decode(
        Messages.fixture("monitoring/incident-open-other-resource.json"), "a"))
        .contains("cloud_function"));
  }

  @Test
  void malformedIncidentsAreRejectedNamingTheProblem() {
    assertTrue(Messages.rejected(decoder.decode(
        Messages.fixture("monitoring/incident-open-no-revision.json"), "a"))
        .contains("revision_name"));
    assertTrue(Messages.rejected(decoder.decode(
        Messages.fixture("monitoring/incident-bad-state.json"), "a"))
        .contains("neither open nor closed"));
    assertTrue(Messages.rejected(decoder.decode(Messages.of(Fixtures.edit(
        "monitoring/incident-open-canary.json").set("/version", "1.1").text()), "a"))
        .contains("not supported"));
    assertTrue(Messages.rejected(decoder.decode(Messages.of(Fixtures.edit(
        "monitoring/incident-open-canary.json").remove("/incident/incident_id").text()), "a"))
        .contains("incident_id"));
    assertTrue(Messages.rejected(decoder.decode(Messages.of(Fixtures.edit(
        "monitoring/incident-open-canary.json").set("/incident/started_at", "yesterday")
        .text()), "a")).contains("epoch seconds"));
    assertTrue(Messages.rejected(decoder.decode(Messages.of("{\"version\":\"1.2\"}"), "a"))
        .contains("\"incident\""));
  }

  @Test
  void missingStartFallsBackToThePublishTime() {
    AlertRequest a = Messages.accepted(decoder.decode(Messages.of(Fixtures.edit(
        "monitoring/incident-open-canary.json").set("/incident/started_at", null).text()), "a"));
    assertEquals(Messages.PUBLISHED, a.occurredAt());
  }
}
