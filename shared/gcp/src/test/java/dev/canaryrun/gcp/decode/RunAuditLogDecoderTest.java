package dev.canaryrun.gcp.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.canaryrun.fixtures.Fixtures;
import dev.canaryrun.gcp.decode.RunAuditLogDecoder.RevisionChange;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** On real Cloud Run Admin Activity entries (fixtures/real/, source in its README). */
class RunAuditLogDecoderTest {
  private static final String SUCCESS = "run-audit-v1-replaceservice-success-cloud-run-slack-bot.json";
  private final RunAuditLogDecoder decoder = new RunAuditLogDecoder();

  @Test
  void aRealConsoleDeployNamesServiceRegionRevisionAndWho() {
    RevisionChange c = Messages.accepted(decoder.decode(
        Messages.of(Fixtures.real(SUCCESS), Map.of()), "audit:1"));
    assertEquals("cloud-run-slack-bot", c.service());
    assertEquals("asia-northeast1", c.region());
    assertEquals("cloud-run-slack-bot-00022-rfg", c.revision());
    assertEquals("masatonaka1989@gmail.com", c.principal());
    assertEquals("google.cloud.run.v1.Services.ReplaceService", c.method());
    assertEquals(Instant.parse("2024-05-06T22:58:04.355675Z"), c.occurredAt());
    assertNull(c.image(), "the captured response carries no containers");
  }

  @Test
  void aRealRefusedUpdateIsIgnoredWithItsReason() {
    String why = Messages.ignored(decoder.decode(Messages.of(Fixtures.real(
        "run-audit-v1-replaceservice-conflict-cloud-run-slack-bot.json"), Map.of()), "audit:2"));
    assertTrue(why.contains("code 10"), why);
    assertTrue(why.contains("Conflict"), why);
  }

  @Test
  void aV2UpdateNamesItsServiceByResourceNameAndItsRevisionByResourceReference()
      throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode e = (ObjectNode) mapper.readTree(Fixtures.real(SUCCESS));
    ObjectNode p = (ObjectNode) e.get("protoPayload");
    p.put("methodName", "google.cloud.run.v2.Services.UpdateService");
    p.put("resourceName", "projects/test-project-1234/locations/europe-west1/services/shop");
    ObjectNode response = mapper.createObjectNode();
    response.put("latestCreatedRevision",
        "projects/test-project-1234/locations/europe-west1/services/shop/revisions/shop-00003-k2p");
    response.putObject("template").putArray("containers").addObject()
        .put("image", "europe-west1-docker.pkg.dev/p/r/shop@sha256:00");
    p.set("response", response);
    e.remove("resource");

    RevisionChange c = Messages.accepted(decoder.decode(
        Messages.of(mapper.writeValueAsBytes(e), Map.of()), "audit:3"));
    assertEquals("shop", c.service());
    assertEquals("europe-west1", c.region());
    assertEquals("shop-00003-k2p", c.revision());
    assertEquals("europe-west1-docker.pkg.dev/p/r/shop@sha256:00", c.image());
  }

  @Test
  void aV2ResourceNameWithTheRevisionAppendedNamesBoth() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode e = (ObjectNode) mapper.readTree(Fixtures.real(SUCCESS));
    ObjectNode p = (ObjectNode) e.get("protoPayload");
    p.put("methodName", "google.cloud.run.v2.Services.UpdateService");
    p.put("resourceName", "projects/p/locations/us-east1/services/api/revisions/api-00029-old");
    p.remove("response");
    e.remove("resource");
    RevisionChange c = Messages.accepted(decoder.decode(
        Messages.of(mapper.writeValueAsBytes(e), Map.of()), "audit:4"));
    assertEquals("api", c.service());
    assertEquals("us-east1", c.region());
    assertEquals("api-00029-old", c.revision());
  }

  @Test
  void otherMethodsAndPayloadsAreIgnoredOrRejectedNamingTheProblem() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode e = (ObjectNode) mapper.readTree(Fixtures.real(SUCCESS));
    ((ObjectNode) e.get("protoPayload")).put("methodName",
        "google.cloud.run.v1.Services.DeleteService");
    assertTrue(Messages.ignored(decoder.decode(Messages.of(mapper.writeValueAsBytes(e),
        Map.of()), "a")).contains("DeleteService"));
    assertTrue(Messages.rejected(decoder.decode(Messages.of("{\"jsonPayload\":{}}"), "a"))
        .contains("protoPayload"));
    assertTrue(Messages.rejected(decoder.decode(Messages.of("not json"), "a")).length() > 0);
  }
}
