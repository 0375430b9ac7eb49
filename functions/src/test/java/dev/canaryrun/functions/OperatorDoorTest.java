package dev.canaryrun.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.fixtures.Fixtures;
import dev.canaryrun.fixtures.IdTokens;
import dev.canaryrun.policy.PolicyJson;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.RolloutState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, the locked door on {@code canaryrun-commands}, through the real OnCommand entry
 * point: the actor is the email of the verified ID token, not the free-text actor; commands
 * without a verifying token are refused and change nothing; the policy's operators list is
 * enforced; a malformed command cannot write into another service's audit trail. On the code
 * before the fix, "cto@example.com" was audited as the actor of a pause sent by mallory, and
 * every unsigned command was applied.
 */
class OperatorDoorTest {
  private final FunctionHarness h = new FunctionHarness();
  private final LogCapture log = new LogCapture();

  @AfterEach
  void close() {
    log.close();
    h.google.close();
  }

  private List<AuditEntry> audit() {
    return h.store.audit(Fixtures.ROLLOUT_ID);
  }

  private static String pause(String actor) {
    return "{\"schemaVersion\":1,\"command\":\"pause\",\"service\":\"checkout\","
        + "\"reason\":\"hold\",\"actor\":\"" + actor + "\"}";
  }

  @Test
  void theAuditedActorIsTheVerifiedSenderNotTheClaimedOne() {
    h.startRollout();
    h.onCommand.accept(h.signed(pause("cto@example.com"), "mallory@example.com"));
    assertEquals(RolloutState.PAUSED, h.store.find(Fixtures.ROLLOUT_ID).orElseThrow().state());
    AuditEntry last = audit().get(audit().size() - 1);
    assertEquals("mallory@example.com", last.actor());
    assertTrue(audit().stream().noneMatch(a -> a.actor().contains("cto@")), audit().toString());
  }

  @Test
  void aCommandWithoutATokenOrWithAForgedOneChangesNothing() {
    h.startRollout();
    int saves = h.store.saveCount();
    h.onCommand.accept(h.event(pause("cto@example.com").getBytes(StandardCharsets.UTF_8),
        Map.of()));
    try (IdTokens attacker = new IdTokens()) {
      String forged = pause("cto@example.com").replaceFirst("^\\{", "{\"idToken\":\""
          + attacker.token("cto@example.com", h.clock.instant()) + "\",");
      h.onCommand.accept(h.event(forged.getBytes(StandardCharsets.UTF_8), Map.of()));
    }
    String expired = pause("a").replaceFirst("^\\{", "{\"idToken\":\""
        + h.google.token("alice@example.com", h.clock.instant().minus(Duration.ofHours(2)))
        + "\",");
    h.onCommand.accept(h.event(expired.getBytes(StandardCharsets.UTF_8), Map.of()));
    assertEquals(saves, h.store.saveCount(), "nothing saved, nothing audited");
    assertEquals(RolloutState.CANARY, h.store.find(Fixtures.ROLLOUT_ID).orElseThrow().state());
    List<LogRecord> errors = log.at(Level.SEVERE);
    assertEquals(3, errors.size());
    assertTrue(errors.get(0).getMessage().contains("carries no idToken"));
    assertTrue(errors.get(1).getMessage().contains("does not verify"));
    assertTrue(errors.get(2).getMessage().contains("expired"));
    assertTrue(errors.stream().noneMatch(e -> e.getMessage().contains("eyJ")),
        "a token is never logged");
  }

  @Test
  void thePolicysOperatorsListDecidesWhoMayAct() {
    h.policies.watch(Fixtures.SERVICE, Fixtures.REGION,
        PolicyJson.parse("{\"operators\": [\"alice@example.com\"]}"));
    h.startRollout();
    h.onCommand.accept(h.signed(pause("x"), "bob@example.com"));
    assertEquals(RolloutState.CANARY, h.store.find(Fixtures.ROLLOUT_ID).orElseThrow().state());
    AuditEntry refused = audit().get(audit().size() - 1);
    assertEquals("Command.UNAUTHORIZED", refused.eventType());
    assertEquals("bob@example.com", refused.actor());
    assertTrue(refused.message().contains("not an operator of checkout"), refused.message());
    h.onCommand.accept(h.signed(pause("x"), "Alice@Example.com"));
    assertEquals(RolloutState.PAUSED, h.store.find(Fixtures.ROLLOUT_ID).orElseThrow().state());
  }

  @Test
  void aMalformedCommandNamingAnotherServicesRolloutWritesNothingThere() {
    h.startRollout();
    int saves = h.store.saveCount();
    for (String service : new String[] {null, "Not A Service", "payments"}) {
      String json = "{\"schemaVersion\":1,\"command\":\"abort\","
          + (service == null ? "" : "\"service\":\"" + service + "\",")
          + "\"rolloutId\":\"" + Fixtures.ROLLOUT_ID + "\",\"reason\":\"x\"}";
      h.onCommand.accept(h.signed(json, "mallory@example.com"));
    }
    assertEquals(saves, h.store.saveCount(), "checkout's trail untouched: " + audit());
  }
}
