package dev.canaryrun.functions.chaos;

import dev.canaryrun.port.TransientFailure;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Seeded faults at the ports' boundary. A call fails before it reaches the real adapter (an
 * outage: nothing happened) or after it (a lost reply, or an invocation that died right after
 * the call: it happened, and nobody saw it), so every pair of steps of an invocation is a
 * place where it can die.
 */
final class Faults {
  private final SplittableRandom random;
  private final double probability;
  private final AtomicBoolean on = new AtomicBoolean(true);
  final AtomicLong before = new AtomicLong();
  final AtomicLong after = new AtomicLong();

  Faults(long seed, double probability) {
    this.random = new SplittableRandom(seed);
    this.probability = probability;
  }

  void off() {
    on.set(false);
  }

  long injected() {
    return before.get() + after.get();
  }

  <T> T call(String what, Supplier<T> call) {
    if (roll()) {
      before.incrementAndGet();
      throw new TransientFailure("chaos: " + what + " failed before it reached the service");
    }
    T result = call.get();
    if (roll()) {
      after.incrementAndGet();
      throw new TransientFailure("chaos: " + what + " applied, then the reply was lost");
    }
    return result;
  }

  void run(String what, Runnable call) {
    call(what, () -> {
      call.run();
      return null;
    });
  }

  private boolean roll() {
    if (!on.get()) {
      return false;
    }
    synchronized (random) {
      return random.nextDouble() < probability;
    }
  }
}
