package dev.canaryrun.cli.ops;

import dev.canaryrun.gcp.decode.CommandDecoder;
import dev.canaryrun.rollout.CommandType;
import dev.canaryrun.rollout.ExpiryAction;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pause | resume | promote | rollback | retry SERVICE --reason TEXT}: the command line
 * over {@link CommandIssuer} (the dashboard's buttons take the same path). A rejection, or no
 * effect within the wait, is exit 1 with the controller's reason.
 */
abstract class ControlCommand extends OperatorCommand {
  @Parameters(paramLabel = "SERVICE", description = "the watched Cloud Run service")
  String service;

  @Option(names = "--reason", required = true, paramLabel = "TEXT",
      description = "why, for the audit trail (at most 1000 characters)")
  String reason;

  @Option(names = "--rollout", paramLabel = "ROLLOUT",
      description = "a rollout of the service (default: the one in flight; retry and "
          + "rollback: else the latest)")
  String rolloutId;

  @Option(names = "--release", description = "act on every region of the service's newest "
      + "release (a service whose policy lists regions); the wait is on the region --region or "
      + "the rollout in flight names")
  boolean wholeRelease;

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
    CommandIssuer.Issued issued = new CommandIssuer(b, ctx().env(), ctx().clock()).issue(
        new CommandIssuer.Request(type(), service, rolloutId, reason, expiresAt, atExpiry, wait,
            noWait, wholeRelease));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("command", type().name().toLowerCase());
    result.put("service", service);
    result.put("rolloutId", issued.rolloutId());
    result.put("actor", issued.actor());
    result.put("messageId", issued.messageId());
    result.put("outcome", issued.outcome().name());
    if (issued.entry() != null) {
      result.put("audit", RolloutJson.audit(issued.entry()));
    }
    if (issued.rollout() != null) {
      result.put("rollout", RolloutJson.rollout(issued.rollout()));
    }
    report(result, issued.text());
    return switch (issued.outcome()) {
      case PUBLISHED, DECIDED, APPLIED -> CanaryrunCli.OK;
      case NO_EFFECT, REJECTED -> CanaryrunCli.FAILED;
    };
  }

  void report(Map<String, Object> json, String text) {
    print(common.json() ? RolloutJson.write(json) : text);
  }
}
