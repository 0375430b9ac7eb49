package dev.canaryrun.local;

import com.google.protobuf.Message;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Failures planned for the next calls of a method, so adapter tests can show how they
 * treat transient and permanent errors. Methods are named bare ({@code UpdateService},
 * {@code ListTimeSeries}) or fully ({@code google.cloud.run.v2.Services/UpdateService}).
 * Plans are consumed in the order they were made. Thread-safe.
 */
public final class FaultInjector {

  /** What to do to one call. */
  public sealed interface Fault permits Fail, Delay, Before {}

  /** Answer the call with this status instead of handling it. */
  public record Fail(Status status) implements Fault {
    public Fail {
      Objects.requireNonNull(status, "status");
      if (status.isOk()) {
        throw new IllegalArgumentException("a failure needs a non-OK status");
      }
    }
  }

  /** Handle the call normally, after a pause (the server thread sleeps). */
  public record Delay(Duration delay) implements Fault {
    public Delay {
      Objects.requireNonNull(delay, "delay");
    }
  }

  /** Run an action with the request, then handle the call (e.g. a concurrent writer). */
  public record Before(Consumer<Message> action) implements Fault {
    public Before {
      Objects.requireNonNull(action, "action");
    }
  }

  private static final class Plan {
    final String method;
    final Fault fault;
    int remaining;

    Plan(String method, Fault fault, int remaining) {
      this.method = method;
      this.fault = fault;
      this.remaining = remaining;
    }
  }

  private final List<Plan> plans = new ArrayList<>();

  /** The next {@code times} calls of {@code method} fail with {@code status}. */
  public void failNext(String method, int times, Status status) {
    plan(method, times, new Fail(status));
  }

  /** The next {@code times} calls of {@code method} are answered after {@code delay}. */
  public void delayNext(String method, int times, Duration delay) {
    plan(method, times, new Delay(delay));
  }

  /** Before each of the next {@code times} calls of {@code method} is handled, run action. */
  public void beforeNext(String method, int times, Consumer<Message> action) {
    plan(method, times, new Before(action));
  }

  public synchronized void clear() {
    plans.clear();
  }

  /** Takes the fault planned for this call, if any. */
  synchronized Optional<Fault> take(String fullMethod) {
    for (Iterator<Plan> it = plans.iterator(); it.hasNext(); ) {
      Plan p = it.next();
      if (matches(p.method, fullMethod)) {
        p.remaining--;
        if (p.remaining == 0) {
          it.remove();
        }
        return Optional.of(p.fault);
      }
    }
    return Optional.empty();
  }

  private synchronized void plan(String method, int times, Fault fault) {
    Objects.requireNonNull(method, "method");
    if (times < 1) {
      throw new IllegalArgumentException("times must be >= 1, got " + times);
    }
    plans.add(new Plan(method, fault, times));
  }

  static boolean matches(String wanted, String fullMethod) {
    return wanted.equals(fullMethod) || wanted.equals(bareMethod(fullMethod));
  }

  static String bareMethod(String fullMethod) {
    int slash = fullMethod.lastIndexOf('/');
    return slash < 0 ? fullMethod : fullMethod.substring(slash + 1);
  }
}
