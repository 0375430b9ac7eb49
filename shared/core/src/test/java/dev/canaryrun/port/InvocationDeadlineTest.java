package dev.canaryrun.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class InvocationDeadlineTest {
  private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
  private static final Clock AT_T = Clock.fixed(T, ZoneOffset.UTC);

  @Test
  void waitsAreCutToWhatIsLeftAndOnlyInsideTheInvocation() {
    assertEquals(Duration.ofSeconds(90), InvocationDeadline.bound(Duration.ofSeconds(90), AT_T),
        "outside an invocation a wait keeps its own bound");
    InvocationDeadline.within(T.plusSeconds(10), () -> {
      assertEquals(Duration.ofSeconds(10), InvocationDeadline.bound(Duration.ofSeconds(90), AT_T));
      assertEquals(Duration.ofSeconds(3), InvocationDeadline.bound(Duration.ofSeconds(3), AT_T));
      assertEquals(T.plusSeconds(10), InvocationDeadline.earliest(T.plusSeconds(30)));
      // A nested scope can only shorten the deadline, never extend it.
      InvocationDeadline.within(T.plusSeconds(60), () -> {
        assertEquals(Optional.of(T.plusSeconds(10)), InvocationDeadline.current());
        return null;
      });
      return null;
    });
    assertEquals(Optional.empty(), InvocationDeadline.current(), "restored after the invocation");
    TransientFailure f = assertThrows(TransientFailure.class, () -> InvocationDeadline.within(T,
        () -> {
          InvocationDeadline.check(AT_T, "reading the service");
          return null;
        }));
    assertTrue(f.getMessage().startsWith("reading the service: the invocation's deadline"),
        f.getMessage());
  }

  @Test
  void aPoolsThreadWorksUnderTheDeadlineOfTheThreadThatSubmitted() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Optional<Instant> seen = InvocationDeadline.within(T, () -> {
        try {
          return pool.submit(InvocationDeadline.carry(InvocationDeadline::current)).get();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertEquals(Optional.of(T), seen);
      assertEquals(Optional.empty(), pool.submit(InvocationDeadline::current).get(),
          "and nothing is left behind on the pool's thread");
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void aTimeoutThatLeavesNoTimeToWorkIsRefused() {
    assertEquals(T.plusSeconds(80), InvocationDeadline.of(T, Duration.ofSeconds(120),
        Duration.ofSeconds(40)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> InvocationDeadline.of(T, Duration.ofSeconds(60), Duration.ofSeconds(40)));
    assertTrue(e.getMessage().contains("leaves no time to work"), e.getMessage());
  }
}
