package dev.canaryrun.cli.ops;

import dev.canaryrun.gcp.decode.CommandDecoder;
import dev.canaryrun.rollout.CommandType;
import dev.canaryrun.rollout.ExpiryAction;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The five commands of README's "Operate" table. */
final class Verbs {
  private Verbs() {}

  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = "Stop progress (not protection: a failing verdict or an alert still rolls "
          + "back), until resume or --until.")
  static final class Pause extends ControlCommand {
    @Option(names = "--until", paramLabel = "TIME", description = "RFC 3339 time or a "
        + "duration from now (30m, 2h), at most 7 days ahead")
    String until;

    @Option(names = "--at-expiry", paramLabel = "ACTION",
        description = "resume (default) or rollback when --until passes")
    String atExpiryText;

    @Override
    CommandType type() {
      return CommandType.PAUSE;
    }

    @Override
    Instant expiresAt() {
      if (until == null) {
        return null;
      }
      Instant now = ctx().clock().instant();
      Instant at;
      try {
        at = Character.isDigit(until.charAt(0)) && !until.contains("T")
            ? now.plus(DurationConverter.parse(until)) : Instant.parse(until);
      } catch (RuntimeException e) { // DateTimeParseException, or not a duration
        throw new UsageProblem("--until: '" + until + "' is neither an RFC 3339 time "
            + "(2026-11-26T15:00:00Z) nor a duration (30m, 2h)");
      }
      if (!at.isAfter(now) || at.isAfter(now.plus(CommandDecoder.MAX_PAUSE))) {
        throw new UsageProblem("--until must be in the future and at most 7 days ahead, got "
            + at);
      }
      return at;
    }

    @Override
    ExpiryAction atExpiry() {
      if (atExpiryText == null) {
        return null;
      }
      try {
        return ExpiryAction.valueOf(atExpiryText.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new UsageProblem("--at-expiry must be resume or rollback, got '" + atExpiryText
            + "'");
      }
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true,
      description = "Continue a paused rollout from its step.")
  static final class Resume extends ControlCommand {
    @Override
    CommandType type() {
      return CommandType.RESUME;
    }
  }

  @Command(name = "promote", mixinStandardHelpOptions = true,
      description = "Give the candidate 100%% now, skipping the remaining steps.")
  static final class Promote extends ControlCommand {
    @Override
    CommandType type() {
      return CommandType.PROMOTE;
    }
  }

  @Command(name = "retry", mixinStandardHelpOptions = true,
      description = "Start a rolled-back, failed or superseded candidate again from its smoke "
          + "check.")
  static final class Retry extends ControlCommand {
    @Override
    CommandType type() {
      return CommandType.RETRY;
    }
  }

  @Command(name = "rollback", mixinStandardHelpOptions = true,
      description = {"Put the stable revision back to 100%%, at any step and after promotion.",
          "With --direct, without the controller: talks to Cloud Run itself (the emergency "
              + "path when the functions are down), then records it in the audit trail if "
              + "Firestore answers."})
  static final class Rollback extends ControlCommand {
    @Option(names = "--direct", description = "set Cloud Run's traffic yourself instead of "
        + "asking the controller")
    boolean direct;

    @Option(names = "--to-revision", paramLabel = "REVISION", description = "with --direct: "
        + "the revision to pin (default: the rollout's stable revision)")
    String toRevision;

    @Option(names = "--firestore-timeout", defaultValue = "10s", paramLabel = "DURATION",
        converter = DurationConverter.class, description = "with --direct: how long to try "
        + "Firestore before going on without it (default ${DEFAULT-VALUE})")
    java.time.Duration firestoreTimeout;

    @Override
    CommandType type() {
      return CommandType.ROLLBACK;
    }

    @Override
    int run(OperatorBackend b) {
      if (!direct) {
        if (toRevision != null) {
          throw new UsageProblem("--to-revision needs --direct");
        }
        return super.run(b);
      }
      return new DirectRollback(b, ctx(), common, firestoreTimeout)
          .run(service, rolloutId, toRevision, reason);
    }
  }
}
