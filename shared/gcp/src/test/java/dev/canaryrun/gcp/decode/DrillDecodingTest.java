package dev.canaryrun.gcp.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.canaryrun.gcp.drill.DrillIncidentMessage;
import dev.canaryrun.rollout.CommandType;
import dev.canaryrun.rollout.Drill;
import dev.canaryrun.service.AlertRequest;
import dev.canaryrun.service.CommandRequest;
import dev.canaryrun.service.DrillRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The three messages of a rollback drill: the command, the scheduled job's, the incident. */
class DrillDecodingTest {
  private final CommandDecoder commands = new CommandDecoder();
  private final IncidentDecoder incidents = new IncidentDecoder();
  private final ScheduledDrillDecoder scheduled = new ScheduledDrillDecoder();

  @Test
  void aDrillCommandTakesARegionAndNoRolloutId() {
    CommandRequest c = Messages.accepted(commands.decode(Messages.of("{\"schemaVersion\":1,"
        + "\"command\":\"drill\",\"service\":\"checkout\",\"reason\":\"weekly\","
        + "\"region\":\"europe-west1\"}"), "command:1"));
    assertEquals(CommandType.DRILL, c.command());
    assertEquals("europe-west1", c.region());
    assertTrue(Messages.rejected(commands.decode(Messages.of("{\"schemaVersion\":1,"
        + "\"command\":\"drill\",\"service\":\"checkout\",\"rolloutId\":\"checkout-1\","
        + "\"reason\":\"x\"}"), "command:2")).contains("drill takes no rolloutId"));
    // Any command may name a region: a service released across regions has several.
    assertEquals("europe-west1", Messages.accepted(commands.decode(Messages.of(
        "{\"schemaVersion\":1,\"command\":\"pause\",\"service\":\"checkout\","
        + "\"reason\":\"x\",\"region\":\"europe-west1\"}"), "command:3")).region());
    assertTrue(Messages.rejected(commands.decode(Messages.of("{\"schemaVersion\":1,"
        + "\"command\":\"drill\",\"service\":\"checkout\",\"reason\":\"x\","
        + "\"region\":\"Mars\"}"), "command:4")).contains("not a Cloud Run region"));
  }

  @Test
  void theDrillIncidentIsMarkedByItsPolicyLabelAndCarriesItsPublishTime() {
    ObjectNode body = DrillIncidentMessage.body("shop-prod", Messages.PUBLISHED,
        "checkout-drill-1a2b3c4", "checkout", "europe-west1", "checkout-drill-1a2b3c4");
    AlertRequest a = Messages.accepted(incidents.decode(Messages.of(body.toString()),
        "alert:1"));
    assertEquals("checkout-drill-1a2b3c4", a.drillOf());
    assertEquals(Messages.PUBLISHED, a.publishedAt());
    assertEquals(Drill.incidentId("checkout-drill-1a2b3c4"), a.incidentId());
    // a real incident is no drill
    AlertRequest real = Messages.accepted(incidents.decode(Messages.fixture(
        "monitoring/incident-open-canary.json"), "alert:2"));
    assertNull(real.drillOf());
    body.with("incident").with("policy_user_labels").put(Drill.INCIDENT_LABEL, "Not/An/Id");
    assertTrue(Messages.rejected(incidents.decode(Messages.of(body.toString()), "alert:3"))
        .contains("is not a rollout id"));
  }

  @Test
  void theScheduledDrillIsStrictAndEndsWithItsWindow() {
    PubSubMessage m = Messages.of("{\"drill\":{\"service\":\"checkout\",\"windowMinutes\":90}}");
    assertTrue(ScheduledDrillDecoder.isDrill(m));
    assertFalse(ScheduledDrillDecoder.isDrill(Messages.of("{}")));
    DrillRequest d = Messages.accepted(scheduled.decode(m, "tick:1"));
    assertEquals("checkout", d.service());
    assertEquals(ScheduledDrillDecoder.ACTOR, d.actor());
    assertEquals(Messages.PUBLISHED.plus(Duration.ofMinutes(90)), d.notAfter());
    assertTrue(Messages.rejected(scheduled.decode(Messages.of(
        "{\"drill\":{\"service\":\"checkout\",\"windowMinutes\":90,\"now\":true}}"), "tick:2"))
        .contains("unknown field \"now\""));
    assertTrue(Messages.rejected(scheduled.decode(Messages.of(
        "{\"drill\":{\"service\":\"checkout\",\"windowMinutes\":0}}"), "tick:3"))
        .contains("windowMinutes"));
  }
}
