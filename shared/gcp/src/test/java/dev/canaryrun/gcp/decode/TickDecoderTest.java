package dev.canaryrun.gcp.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.fixtures.Fixtures;
import dev.canaryrun.service.TickRequest;
import org.junit.jupiter.api.Test;

class TickDecoderTest {
  private final TickDecoder decoder = new TickDecoder();

  @Test
  void emptyObjectOrNoDataJudgesEverything() {
    for (PubSubMessage m : new PubSubMessage[] {Messages.fixture("ticks/tick-all.json"),
        Messages.of(""), Messages.of("  \n")}) {
      TickRequest t = Messages.accepted(decoder.decode(m, "tick:1"));
      assertNull(t.rolloutId());
      assertNull(t.expectedStep());
      assertEquals(Messages.PUBLISHED, t.occurredAt());
      assertEquals("tick:1", t.eventId());
    }
  }

  @Test
  void targetedTick() {
    TickRequest t = Messages.accepted(decoder.decode(
        Messages.fixture("ticks/tick-targeted.json"), "tick:2"));
    assertEquals(Fixtures.ROLLOUT_ID, t.rolloutId());
    assertEquals(1, t.expectedStep());
  }

  @Test
  void rolloutWithoutStepIsAllowed() {
    TickRequest t = Messages.accepted(decoder.decode(Messages.of("{\"rolloutId\":\"a-1\"}"), "t"));
    assertEquals("a-1", t.rolloutId());
    assertNull(t.expectedStep());
  }

  @Test
  void malformedTicksAreRejected() {
    assertTrue(Messages.rejected(decoder.decode(Messages.fixture("ticks/tick-bad-step.json"),
        "t")).contains("expectedStep"));
    assertTrue(Messages.rejected(decoder.decode(Messages.fixture("ticks/tick-unknown-field.json"),
        "t")).contains("unknown field \"step\""));
    assertTrue(Messages.rejected(decoder.decode(Messages.of("{\"expectedStep\":1}"), "t"))
        .contains("needs a rolloutId"));
    assertTrue(Messages.rejected(decoder.decode(Messages.of("{\"expectedStep\":-1,"
        + "\"rolloutId\":\"a\"}"), "t")).contains(">= 0"));
    assertTrue(Messages.rejected(decoder.decode(Messages.of("tick"), "t"))
        .contains("not valid JSON"));
    assertTrue(Messages.rejected(decoder.decode(Messages.of("{}".repeat(3000)), "t"))
        .contains("over the limit"));
  }
}
