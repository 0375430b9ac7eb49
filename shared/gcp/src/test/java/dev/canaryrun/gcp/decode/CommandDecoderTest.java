package dev.canaryrun.gcp.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.fixtures.Fixtures;
import dev.canaryrun.rollout.CommandType;
import dev.canaryrun.rollout.ExpiryAction;
import dev.canaryrun.service.CommandRequest;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandDecoderTest {
  private final CommandDecoder decoder = new CommandDecoder();

  @Test
  void pauseWithoutRolloutTargetsTheServicesRolloutInFlight() {
    CommandRequest c = Messages.accepted(decoder.decode(Messages.fixture("commands/pause.json"),
        "command:1"));
    assertEquals(CommandType.PAUSE, c.command());
    assertEquals(Fixtures.SERVICE, c.service());
    assertNull(c.rolloutId());
    assertEquals("alice@example.com", c.actor());
    assertTrue(c.reason().contains("fraud rules"));
    assertNull(c.expiresAt());
    assertEquals(Messages.PUBLISHED, c.occurredAt());
  }

  @Test
  void timedPause() {
    CommandRequest c = Messages.accepted(decoder.decode(
        Messages.fixture("commands/pause-with-expiry.json"), "command:2"));
    assertEquals(Instant.parse("2025-03-14T11:00:00Z"), c.expiresAt());
    assertEquals(ExpiryAction.ROLLBACK, c.atExpiry());
    assertEquals(Fixtures.ROLLOUT_ID, c.rolloutId());
  }

  @ParameterizedTest
  @CsvSource({"resume,RESUME", "promote,PROMOTE", "rollback,ROLLBACK", "retry,RETRY"})
  void everyCommand(String file, CommandType expected) {
    CommandRequest c = Messages.accepted(decoder.decode(
        Messages.fixture("commands/" + file + ".json"), "c"));
    assertEquals(expected, c.command());
    assertEquals(Fixtures.ROLLOUT_ID, c.rolloutId());
  }

  @Test
  void theActorIsOptionalBecauseTheIdTokenNamesTheSender() {
    // The function replaces it with the verified email; a claimed actor is never trusted.
    CommandRequest c = Messages.accepted(decoder.decode(
        Messages.fixture("commands/bad-missing-actor.json"), "c"));
    assertEquals("unknown", c.actor());
  }

  @Test
  void theIdTokenIsReadBeforeAnythingElse() {
    assertEquals(java.util.Optional.of("a.b.c"), CommandDecoder.idToken(Messages.of(
        "{\"schemaVersion\":1,\"command\":\"abort\",\"idToken\":\"a.b.c\"}")));
    assertEquals(java.util.Optional.empty(), CommandDecoder.idToken(Messages.of("{not json")));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "commands/bad-unknown-command.json|unknown command 'abort'",
      "commands/bad-unknown-field.json|unknown field \"force\"",
      "commands/bad-schema-version.json|schemaVersion 2",
      "commands/bad-expiry-on-promote.json|pause only",
      "commands/bad-truncated.json|not valid JSON"})
  void malformedCommandsAreRejectedNamingTheProblem(String file, String problem) {
    String got = Messages.rejected(decoder.decode(Messages.fixture(file), "c"));
    assertTrue(got.contains(problem), got);
  }

  @Test
  void aRejectionStillNamesTheTargetSoTheAttemptCanBeAudited() {
    Decoded<CommandRequest> d = decoder.decode(
        Messages.fixture("commands/bad-unknown-command.json"), "c");
    Map<String, Object> fields = ((Decoded.Rejected<CommandRequest>) d).fields();
    assertEquals(Fixtures.SERVICE, fields.get("service"));
    assertEquals(Fixtures.ROLLOUT_ID, fields.get("rolloutId"));
    assertEquals("bob@example.com", fields.get("actor"));
    assertEquals("abort", fields.get("command"));
  }

  @Test
  void strictTypesAndLimits() {
    String base = "{\"schemaVersion\":1,\"command\":\"pause\",\"service\":\"checkout\","
        + "\"actor\":\"a@b\",";
    assertTrue(Messages.rejected(decoder.decode(Messages.of(base + "\"reason\":42}"), "c"))
        .contains("reason must be a string"));
    assertTrue(Messages.rejected(decoder.decode(Messages.of(base + "\"reason\":\"\"}"), "c"))
        .contains("no \"reason\""));
    assertTrue(Messages.rejected(decoder.decode(Messages.of(base + "\"reason\":\""
        + "x".repeat(CommandDecoder.MAX_REASON + 1) + "\"}"), "c")).contains("over"));
    assertTrue(Messages.rejected(decoder.decode(Messages.of(base + "\"reason\":\"r\","
        + "\"command\":\"promote\"}"), "c")).contains("Duplicate field"));
    assertTrue(Messages.rejected(decoder.decode(Messages.of(base + "\"reason\":\"r\","
        + "\"expiresAt\":\"2025-03-14T09:00:00Z\"}"), "c")).contains("not after"));
    assertTrue(Messages.rejected(decoder.decode(Messages.of(base + "\"reason\":\"r\","
        + "\"expiresAt\":\"2026-03-14T09:00:00Z\"}"), "c")).contains("days away"));
    assertTrue(Messages.rejected(decoder.decode(Messages.of(base + "\"reason\":\"r\","
        + "\"atExpiry\":\"rollback\"}"), "c")).contains("atExpiry needs expiresAt"));
    assertTrue(Messages.rejected(decoder.decode(Messages.of(
        "{\"schemaVersion\":1,\"command\":\"PAUSE\",\"service\":\"checkout\",\"actor\":\"a\","
            + "\"reason\":\"r\"}"), "c")).contains("unknown command 'PAUSE'"));
    assertTrue(Messages.rejected(decoder.decode(Messages.of("{\"pad\":\""
        + "x".repeat(CommandDecoder.MAX_BYTES) + "\"}"), "c")).contains("over the limit"));
    assertTrue(Messages.rejected(decoder.decode(Messages.of(
        "{\"schemaVersion\":1,\"command\":\"pause\",\"service\":\"../etc\",\"actor\":\"a\","
            + "\"reason\":\"r\"}"), "c")).contains("service name"));
  }
}
