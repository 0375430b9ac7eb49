package dev.canaryrun.port;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * The one deadline of a function invocation, which every wait in it honours: the router's
 * waits for Cloud Run, the store's calls and retries, the smoke check's attempts and pauses.
 * Past it, a wait gives up with a {@link TransientFailure}: the decision and the desired
 * traffic are already recorded (a save precedes every effect), so the redelivered event, or
 * the next tick, finishes the work (traffic is level-triggered). Cloud Functions would kill
 * an invocation at its timeout anyway, midway and without a word of why.
 *
 * <p>The adapters are built once per instance and serve every invocation, so the deadline is
 * not theirs to hold: it is bound to the thread that handles the invocation for the length of
 * {@link #within}, and carried explicitly to a pool's threads by {@link #carry} (the tick
 * decides rollouts in parallel). Outside an invocation (tests, the CLI) there is none, and
 * each wait keeps its own bound.
 */
public final class InvocationDeadline {
  private static final ThreadLocal<Instant> CURRENT = new ThreadLocal<>();

  private InvocationDeadline() {}

  /**
   * When an invocation that started at {@code start} must stop waiting: its timeout less
   * {@code reserve}, the time that calls already in flight at the deadline may still take
   * (they cannot be cut short), so the invocation as a whole ends inside its timeout.
   */
  public static Instant of(Instant start, Duration timeout, Duration reserve) {
    if (reserve.compareTo(timeout.dividedBy(2)) > 0) {
      throw new IllegalArgumentException("function timeout " + timeout + " leaves no time to"
          + " work: " + reserve + " is kept for calls in flight at the deadline");
    }
    return start.plus(timeout).minus(reserve);
  }

  /** Runs {@code work} with {@code deadline} as this thread's deadline, then restores it. */
  public static <T> T within(Instant deadline, Supplier<T> work) {
    Objects.requireNonNull(deadline, "deadline");
    Instant outer = CURRENT.get();
    CURRENT.set(outer != null && outer.isBefore(deadline) ? outer : deadline);
    try {
      return work.get();
    } finally {
      if (outer == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(outer);
      }
    }
  }

  /** This thread's deadline, if it handles an invocation. */
  public static Optional<Instant> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /** {@code own}, or the invocation's deadline when that comes first. */
  public static Instant earliest(Instant own) {
    Instant d = CURRENT.get();
    return d != null && d.isBefore(own) ? d : own;
  }

  /** {@code own}, cut to what is left before the invocation's deadline (never negative). */
  public static Duration bound(Duration own, Clock clock) {
    Instant d = CURRENT.get();
    if (d == null) {
      return own;
    }
    Duration left = Duration.between(clock.instant(), d);
    if (left.isNegative()) {
      return Duration.ZERO;
    }
    return left.compareTo(own) < 0 ? left : own;
  }

  /**
   * Fails with a {@link TransientFailure} naming {@code what} when the deadline has passed:
   * the check before starting a wait that could not finish in time.
   */
  public static void check(Clock clock, String what) {
    Instant d = CURRENT.get();
    if (d != null && !clock.instant().isBefore(d)) {
      throw new TransientFailure(what + ": the invocation's deadline (" + d + ") has passed;"
          + " the work left is recorded and the next event finishes it");
    }
  }

  /** {@code task} to run on another thread under this thread's deadline. */
  public static <T> Callable<T> carry(Callable<T> task) {
    Instant d = CURRENT.get();
    if (d == null) {
      return task;
    }
    return () -> within(d, () -> {
      try {
        return task.call();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }
}
