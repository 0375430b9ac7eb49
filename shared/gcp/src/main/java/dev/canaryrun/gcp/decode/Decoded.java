package dev.canaryrun.gcp.decode;

import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What decoding one Pub/Sub message produced. Only {@link Accepted} reaches the
 * RolloutService; the other two are acked, because redelivering them cannot change the
 * outcome: {@link Ignored} is well-formed but not for canaryrun (a WORKING build, the
 * console's test notification) and is logged at INFO, {@link Rejected} is malformed and is
 * logged once at ERROR with the problem named.
 */
public sealed interface Decoded<T> {

  record Accepted<T>(T value) implements Decoded<T> {
    public Accepted {
      Objects.requireNonNull(value, "value");
    }
  }

  /** @param fields what identifies the message in the log line (buildId, status, ...) */
  record Ignored<T>(String reason, Map<String, Object> fields) implements Decoded<T> {
    public Ignored {
      Objects.requireNonNull(reason, "reason");
      fields = Map.copyOf(fields);
    }
  }

  /**
   * @param problem what is wrong, in words, naming the field
   * @param fields whatever could still be read (service, rolloutId), so that the log line and
   *     an audit entry can name the rollout a bad command was aimed at
   */
  record Rejected<T>(String problem, Map<String, Object> fields) implements Decoded<T> {
    public Rejected {
      Objects.requireNonNull(problem, "problem");
      fields = Map.copyOf(fields);
    }
  }

  static <T> Decoded<T> accepted(T value) {
    return new Accepted<>(value);
  }

  static <T> Decoded<T> ignored(String reason, Map<String, Object> fields) {
    return new Ignored<>(reason, fields);
  }

  static <T> Decoded<T> rejected(String problem, Map<String, Object> fields) {
    return new Rejected<>(problem, fields);
  }

  /**
   * Runs a decoder's body: a {@link MalformedEventException} it throws becomes
   * {@link Rejected}, with whatever {@code fields} it had read by then.
   */
  static <T> Decoded<T> guarded(Map<String, Object> fields, Supplier<Decoded<T>> body) {
    try {
      return body.get();
    } catch (MalformedEventException e) {
      return rejected(e.getMessage(), fields);
    }
  }

  /** Re-types a non-accepted result (the value type is irrelevant when there is none). */
  @SuppressWarnings("unchecked")
  default <U> Decoded<U> retype() {
    if (this instanceof Accepted) {
      throw new IllegalStateException("an accepted result carries a value of its own type");
    }
    return (Decoded<U>) this;
  }
}
