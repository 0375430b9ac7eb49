package dev.canaryrun.cli.ops;

import dev.canaryrun.gcp.decode.CommandDecoder;
import dev.canaryrun.gcp.decode.EventSource;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.CommandType;
import dev.canaryrun.rollout.ExpiryAction;
import dev.canaryrun.rollout.Rollout;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pause | resume | promote | rollback | retry SERVICE --reason TEXT}: publishes the
 * versioned command with the caller's identity as actor, then waits (bounded) until the
 * rollout's audit trail shows the command's own entry (found by its event id,
 * {@code command:<message id>}) and, when it moved traffic, until Cloud Run confirmed it.
 * A rejection is exit 1 with the controller's reason.
 */
abstract class ControlCommand extends OperatorCommand {
  static final Duration POLL = Duration.ofMillis(200);

  @Parameters(paramLabel = "SERVICE", description = "the watched Cloud Run service")
  String service;

  @Option(names = "--reason", required = true, paramLabel = "TEXT",
      description = "why, for the audit trail (at most 1000 characters)")
  String reason;

  @Option(names = "--rollout", paramLabel = "ROLLOUT",
      description = "a rollout of the service (default: the one in flight; retry and "
          + "rollback: else the latest)")
  String rolloutId;

  @Option(names = "--no-wait", description = "publish and exit without waiting for the effect")
  boolean noWait;

  @Option(names = "--wait", defaultValue = "60s", converter = DurationConverter.class,
      paramLabel = "DURATION", description = "how long to wait for the effect "
      + "(default ${DEFAULT-VALUE})")
  Duration wait;

  abstract CommandType type();

  /** pause's --until / --at-expiry; null for the others. */
  Instant expiresAt() {
    return null;
  }

  ExpiryAction atExpiry() {
    return null;
  }

  @Override
  int run(OperatorBackend b) {
    if (reason.isBlank() || reason.length() > CommandDecoder.MAX_REASON) {
      throw new UsageProblem("--reason must be 1 to " + CommandDecoder.MAX_REASON
          + " characters, got " + reason.length());
    }
    // The whole command line is checked before anything is read or published.
    Instant expiresAt = expiresAt();
    ExpiryAction atExpiry = atExpiry();
    if (atExpiry != null && expiresAt == null) {
      throw new UsageProblem("--at-expiry needs --until");
    }
    requireService(b, service);
    Rollout target = target(b);
    String actor = Identity.of(b.config(), ctx().env());
    // The rollout id resolved here goes into the command: the one this command watches.
    CommandMessage message = new CommandMessage(type(), service, target.id(), reason, actor,
        expiresAt, atExpiry, Identity.idToken(b.config()).orElse(null));
    String messageId = b.publish(message);
    String eventId = EventSource.COMMAND.eventId(messageId);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("command", type().name().toLowerCase());
    result.put("service", service);
    result.put("rolloutId", target.id());
    result.put("actor", actor);
    result.put("messageId", messageId);
    if (noWait) {
      result.put("outcome", "PUBLISHED");
      report(result, "published " + type().name().toLowerCase() + " of " + target.id() + " as "
          + actor + " (message " + messageId + "); not waiting");
      return CanaryrunCli.OK;
    }
    Instant deadline = ctx().clock().instant().plus(wait);
    Optional<AuditEntry> entry = awaitEntry(b, target.id(), eventId, deadline);
    if (entry.isEmpty()) {
      result.put("outcome", "NO_EFFECT");
      report(result, "published as message " + messageId + ", but " + target.id()
          + " shows no effect after " + Human.duration(wait) + ": is OnCommand running? "
          + "Check `canaryrun get " + target.id() + "` and the function's logs");
      return CanaryrunCli.FAILED;
    }
    result.put("audit", RolloutJson.audit(entry.get()));
    if (entry.get().message().startsWith("rejected ")) {
      result.put("outcome", "REJECTED");
      report(result, entry.get().message());
      return CanaryrunCli.FAILED;
    }
    Rollout now = awaitTraffic(b, target.id(), deadline);
    result.put("outcome", now.traffic().applied() ? "APPLIED" : "DECIDED");
    result.put("rollout", RolloutJson.rollout(now));
    report(result, entry.get().message() + "\n" + now.id() + " is " + now.state()
        + ", candidate " + StatusTable.traffic(now) + (now.traffic().applied() ? ""
        : " (Cloud Run has not confirmed it within the wait)"));
    return CanaryrunCli.OK;
  }

  /** The rollout the command will reach, resolved as OnCommand resolves it. */
  private Rollout target(OperatorBackend b) {
    if (rolloutId != null) {
      Rollout r = b.store().find(rolloutId).orElseThrow(() -> new OperationFailed(
          "no rollout '" + rolloutId + "' in project " + b.config().projectId()));
      if (!r.service().equals(service)) {
        throw new OperationFailed("rollout " + rolloutId + " belongs to service " + r.service()
            + ", not " + service);
      }
      return r;
    }
    var pointer = b.store().pointer(service);
    String active = pointer.map(p -> p.activeRolloutId()).orElse(null);
    String last = pointer.map(p -> p.lastRolloutId()).orElse(null);
    boolean latestWillDo = type() == CommandType.RETRY || type() == CommandType.ROLLBACK;
    String id = active != null ? active : latestWillDo ? last : null;
    if (id == null) {
      throw new OperationFailed("service " + service + " has no rollout "
          + (latestWillDo ? "" : "in flight ") + "to " + type().name().toLowerCase()
          + (last != null ? " (its latest, " + last + ", has finished)" : ""));
    }
    return b.store().find(id).orElseThrow(() -> new OperationFailed(
        "services/" + service + " names rollout " + id + ", which does not exist"));
  }

  private Optional<AuditEntry> awaitEntry(OperatorBackend b, String id, String eventId,
      Instant deadline) {
    while (true) {
      List<AuditEntry> audit = b.store().audit(id);
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

  private Rollout awaitTraffic(OperatorBackend b, String id, Instant deadline) {
    while (true) {
      Rollout r = b.store().find(id).orElseThrow();
      if (r.traffic().applied() || !sleepUntil(deadline)) {
        return r;
      }
    }
  }

  private boolean sleepUntil(Instant deadline) {
    if (!ctx().clock().instant().plus(POLL).isBefore(deadline)) {
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

  void report(Map<String, Object> json, String text) {
    print(common.json() ? RolloutJson.write(json) : text);
  }
}
