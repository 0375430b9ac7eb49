package dev.canaryrun.cli.ops;

import dev.canaryrun.gcp.decode.CommandDecoder;
import dev.canaryrun.gcp.decode.EventSource;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.CommandType;
import dev.canaryrun.rollout.ExpiryAction;
import dev.canaryrun.rollout.Rollout;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The one command path of the CLI verbs and the dashboard's buttons: checks the request,
 * resolves the rollout as OnCommand will, publishes the versioned command with the caller's
 * identity, then waits (bounded) until the rollout's audit trail shows the command's own entry
 * (found by its event id, {@code command:<message id>}) and, when it moved traffic, until
 * Cloud Run confirmed it.
 */
public final class CommandIssuer {
  static final Duration POLL = Duration.ofMillis(200);

  /** What became of a command (PUBLISHED: sent, not waited for). */
  public enum Outcome { PUBLISHED, NO_EFFECT, REJECTED, DECIDED, APPLIED }

  /** One command to issue; {@code rolloutId}, {@code expiresAt} and {@code atExpiry} optional. */
  /**
   * @param wholeRelease for a service released across regions: the message names no rollout,
   *     and the controller acts on every region of the service's newest release (the CLI waits
   *     on the one region it resolved)
   */
  public record Request(CommandType type, String service, String rolloutId, String reason,
      Instant expiresAt, ExpiryAction atExpiry, Duration waitFor, boolean noWait,
      boolean wholeRelease) {
    public Request {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(waitFor, "waitFor");
    }

    /** One rollout: the one named, else the one in flight in the configured region. */
    public Request(CommandType type, String service, String rolloutId, String reason,
        Instant expiresAt, ExpiryAction atExpiry, Duration waitFor, boolean noWait) {
      this(type, service, rolloutId, reason, expiresAt, atExpiry, waitFor, noWait, false);
    }
  }

  /**
   * @param entry the command's audit entry; null unless it took effect or was rejected
   * @param rollout the rollout after the effect; null unless DECIDED or APPLIED
   * @param text one or two lines for a person
   */
  public record Issued(Outcome outcome, String rolloutId, String actor, String messageId,
      AuditEntry entry, Rollout rollout, String text) {}

  private final OperatorBackend backend;
  private final Map<String, String> env;
  private final Clock clock;

  public CommandIssuer(OperatorBackend backend, Map<String, String> env, Clock clock) {
    this.backend = backend;
    this.env = env;
    this.clock = clock;
  }

  /**
   * Issues the command. Throws {@link UsageProblem} for a request that cannot be sent (the
   * reason is missing or too long, --at-expiry without --until) and {@link OperationFailed}
   * when there is nothing to command (unknown service, no rollout in flight).
   */
  public Issued issue(Request q) {
    String reason = q.reason() == null ? "" : q.reason().strip();
    if (reason.isEmpty() || reason.length() > CommandDecoder.MAX_REASON) {
      throw new UsageProblem("a reason is required: 1 to " + CommandDecoder.MAX_REASON
          + " characters, got " + reason.length());
    }
    if (q.atExpiry() != null && q.expiresAt() == null) {
      throw new UsageProblem("--at-expiry needs --until");
    }
    OperatorCommand.requireService(backend, q.service());
    Rollout target = target(q);
    String actor = Identity.of(backend.config(), env);
    // The rollout id resolved here goes into the command: the one this command watches.
    if (q.wholeRelease() && target.releaseId() == null) {
      throw new UsageProblem("--release: " + target.id() + " is not a region of a release across"
          + " regions (the service's policy lists no regions)");
    }
    CommandMessage message = new CommandMessage(q.type(), q.service(),
        q.wholeRelease() ? null : target.id(), reason,
        actor, q.expiresAt(), q.atExpiry(), Identity.idToken(backend.config()).orElse(null));
    String messageId = backend.publish(message);
    String verb = q.type().name().toLowerCase(java.util.Locale.ROOT);
    if (q.noWait()) {
      return new Issued(Outcome.PUBLISHED, target.id(), actor, messageId, null, null,
          "published " + verb + " of " + target.id() + " as " + actor + " (message "
              + messageId + "); not waiting");
    }
    Instant deadline = clock.instant().plus(q.waitFor());
    Optional<AuditEntry> entry = awaitEntry(target.id(), EventSource.COMMAND.eventId(messageId),
        deadline);
    if (entry.isEmpty()) {
      return new Issued(Outcome.NO_EFFECT, target.id(), actor, messageId, null, null,
          "published as message " + messageId + ", but " + target.id() + " shows no effect after "
              + Human.duration(q.waitFor()) + ": is OnCommand running? Check `canaryrun get "
              + target.id() + "` and the function's logs");
    }
    if (entry.get().message().startsWith("rejected ")) {
      return new Issued(Outcome.REJECTED, target.id(), actor, messageId, entry.get(), null,
          entry.get().message());
    }
    Rollout now = awaitTraffic(target.id(), deadline);
    return new Issued(now.traffic().applied() ? Outcome.APPLIED : Outcome.DECIDED, target.id(),
        actor, messageId, entry.get(), now, entry.get().message() + "\n" + now.id() + " is "
        + now.state() + ", candidate " + StatusTable.traffic(now) + (now.traffic().applied()
        ? "" : " (Cloud Run has not confirmed it within the wait)"));
  }

  /** The rollout the command will reach, resolved as OnCommand resolves it. */
  private Rollout target(Request q) {
    String service = q.service();
    if (q.rolloutId() != null) {
      Rollout r = backend.store().find(q.rolloutId()).orElseThrow(() -> new OperationFailed(
          "no rollout '" + q.rolloutId() + "' in project " + backend.config().projectId()));
      if (!r.service().equals(service)) {
        throw new OperationFailed("rollout " + q.rolloutId() + " belongs to service "
            + r.service() + ", not " + service);
      }
      return r;
    }
    var pointer = OperatorCommand.pointer(backend, service);
    String active = pointer.map(p -> p.activeRolloutId()).orElse(null);
    String last = pointer.map(p -> p.lastRolloutId()).orElse(null);
    boolean latestWillDo = q.type() == CommandType.RETRY || q.type() == CommandType.ROLLBACK;
    String id = active != null ? active : latestWillDo ? last : null;
    if (id == null) {
      throw new OperationFailed("service " + service + " has no rollout "
          + (latestWillDo ? "" : "in flight ") + "to " + q.type().name().toLowerCase()
          + (last != null ? " (its latest, " + last + ", has finished)" : ""));
    }
    return backend.store().find(id).orElseThrow(() -> new OperationFailed(
        "the pointer of " + service + " names rollout " + id + ", which does not exist"));
  }

  private Optional<AuditEntry> awaitEntry(String id, String eventId, Instant deadline) {
    while (true) {
      List<AuditEntry> audit = backend.store().audit(id);
      for (AuditEntry a : audit) {
        if (a.cause().equals(eventId)) {
          return Optional.of(a);
        }
      }
      if (!sleepUntil(deadline)) {
        return Optional.empty();
      }
    }
  }

  private Rollout awaitTraffic(String id, Instant deadline) {
    while (true) {
      Rollout r = backend.store().find(id).orElseThrow();
      if (r.traffic().applied() || !sleepUntil(deadline)) {
        return r;
      }
    }
  }

  private boolean sleepUntil(Instant deadline) {
    if (!clock.instant().plus(POLL).isBefore(deadline)) {
      return false;
    }
    try {
      Thread.sleep(POLL.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
