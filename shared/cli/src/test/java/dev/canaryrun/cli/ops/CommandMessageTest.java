package dev.canaryrun.cli.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.gcp.decode.CommandDecoder;
import dev.canaryrun.gcp.decode.Decoded;
import dev.canaryrun.gcp.decode.PubSubMessage;
import dev.canaryrun.rollout.CommandType;
import dev.canaryrun.rollout.ExpiryAction;
import dev.canaryrun.service.CommandRequest;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the CLI publishes is what the function accepts: decoded by the production decoder. */
class CommandMessageTest {
  private static CommandRequest decode(CommandMessage m) {
    Decoded<CommandRequest> d = new CommandDecoder().decode(new PubSubMessage(m.data(),
        m.attributes(), "7", Instant.now(), null), "command:7");
    if (d instanceof Decoded.Accepted<CommandRequest> a) {
      return a.value();
    }
    throw new AssertionError("the decoder refused the CLI's command: " + d);
  }

  @Test
  void aTimedPauseRoundTripsThroughTheDecoder() {
    Instant until = Instant.now().plusSeconds(3600);
    CommandRequest c = decode(new CommandMessage(CommandType.PAUSE, "checkout",
        "checkout-9f3c2b1a", "waiting for payments", "alice@example.com", until,
        ExpiryAction.ROLLBACK, null));
    assertEquals(CommandType.PAUSE, c.command());
    assertEquals("checkout", c.service());
    assertEquals("checkout-9f3c2b1a", c.rolloutId());
    assertEquals("waiting for payments", c.reason());
    assertEquals("alice@example.com", c.actor());
    assertEquals(until, c.expiresAt());
    assertEquals(ExpiryAction.ROLLBACK, c.atExpiry());
  }

  @Test
  void everyOtherVerbRoundTripsWithoutExpiry() {
    for (CommandType t : new CommandType[] {CommandType.RESUME, CommandType.PROMOTE,
        CommandType.ROLLBACK, CommandType.RETRY}) {
      CommandRequest c = decode(new CommandMessage(t, "cart", null, "why", "bob@local", null,
          null, null));
      assertEquals(t, c.command());
      assertNull(c.rolloutId());
      assertNull(c.expiresAt());
    }
  }

  @Test
  void anExpiryOnAnythingButPauseIsAUsageProblem() {
    UsageProblem e = assertThrows(UsageProblem.class, () -> new CommandMessage(
        CommandType.PROMOTE, "cart", null, "why", "bob@local", Instant.now(), null, null));
    assertTrue(e.getMessage().contains("pause only"), e.getMessage());
    assertEquals(Map.of(), new CommandMessage(CommandType.RESUME, "cart", null, "why",
        "bob@local", null, null, null).attributes());
  }

  @Test
  void theSendersIdTokenTravelsInTheBodyWhereTheFunctionReadsIt() {
    byte[] data = new CommandMessage(CommandType.PAUSE, "cart", null, "why", "bob@example.com",
        null, null, "eyJhbGciOi.token.sig").data();
    PubSubMessage m = new PubSubMessage(data, Map.of(), "1", Instant.now(), "s");
    assertEquals(java.util.Optional.of("eyJhbGciOi.token.sig"), CommandDecoder.idToken(m));
    assertEquals(CommandType.PAUSE, decode(new CommandMessage(CommandType.PAUSE, "cart", null,
        "why", "bob@example.com", null, null, "eyJhbGciOi.token.sig")).command());
  }
}
