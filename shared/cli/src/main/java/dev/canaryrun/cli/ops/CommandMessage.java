package dev.canaryrun.cli.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.canaryrun.gcp.decode.CommandDecoder;
import dev.canaryrun.rollout.CommandType;
import dev.canaryrun.rollout.ExpiryAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The one builder of an operator command as published on {@code canaryrun-commands}: schema
 * version 1 of README's "Operate" table (the fields {@code CommandDecoder} accepts, nothing
 * else, since it rejects unknown fields).
 *
 * <p>The sender's Google-signed ID token goes in the body's {@code idToken} (a Pub/Sub
 * attribute value is limited to 1024 bytes, a token is longer); the functions verify it and
 * audit its email as the actor. Nothing else in the CLI builds or publishes a command.
 *
 * @param idToken null against the emulators, which accept unsigned commands
 * @param rolloutId null for the service's rollout in flight (retry, rollback: its latest)
 * @param expiresAt pause only; null for a pause until resume
 * @param atExpiry pause with expiresAt only
 * @param region drill only: the region the operator expects the service in; null for its
 *     policy's
 */
record CommandMessage(CommandType command, String service, String rolloutId, String reason,
    String actor, Instant expiresAt, ExpiryAction atExpiry, String idToken, String region) {
  static final int SCHEMA_VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  CommandMessage {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(actor, "actor");
    if ((expiresAt != null || atExpiry != null) && command != CommandType.PAUSE) {
      throw new UsageProblem("--until and --at-expiry apply to pause only");
    }
    if (atExpiry != null && expiresAt == null) {
      throw new UsageProblem("--at-expiry needs --until");
    }
    if (region != null && command != CommandType.DRILL) {
      throw new UsageProblem("a command carries --region for drill only");
    }
  }

  /** Every command but a drill: no region. */
  CommandMessage(CommandType command, String service, String rolloutId, String reason,
      String actor, Instant expiresAt, ExpiryAction atExpiry, String idToken) {
    this(command, service, rolloutId, reason, actor, expiresAt, atExpiry, idToken, null);
  }

  byte[] data() {
    ObjectNode n = JSON.createObjectNode()
        .put("schemaVersion", SCHEMA_VERSION)
        .put("command", command.name().toLowerCase(Locale.ROOT))
        .put("service", service);
    if (rolloutId != null) {
      n.put("rolloutId", rolloutId);
    }
    n.put("reason", reason).put("actor", actor);
    if (expiresAt != null) {
      n.put("expiresAt", expiresAt.toString());
    }
    if (atExpiry != null) {
      n.put("atExpiry", atExpiry.name().toLowerCase(Locale.ROOT));
    }
    if (region != null) {
      n.put("region", region);
    }
    if (idToken != null) {
      n.put(CommandDecoder.ID_TOKEN, idToken);
    }
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Pub/Sub attributes: none (the token travels in the body, see the class comment). */
  Map<String, String> attributes() {
    return Map.of();
  }
}
