package dev.canaryrun.gcp.decode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canaryrun.rollout.CommandType;
import dev.canaryrun.rollout.ExpiryAction;
import dev.canaryrun.service.CommandRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decodes an operator command, schema version 1 (README "Operator commands"):
 *
 * <pre>{@code
 * {"schemaVersion": 1, "command": "pause", "service": "checkout",
 *  "rolloutId": "checkout-1a2b3c4d", "reason": "waiting for the DB migration",
 *  "expiresAt": "2030-01-01T12:00:00Z", "atExpiry": "resume",
 *  "idToken": "<the sender's Google-signed ID token>"}
 * }</pre>
 *
 * <p>The sender is who the ID token says (verified by the commands function, not here); the
 * optional {@code actor} is only what the sender claims and is kept for the log, never trusted.
 *
 * Strict, because a command moves production traffic: unknown fields, duplicate keys, wrong
 * types, an unknown command, a missing reason or actor, or an expiry on anything but pause
 * are all rejected rather than guessed at. The rejection keeps whatever service and rollout
 * id could be read, so that the attempt is still audited on that rollout.
 */
public final class CommandDecoder {
  public static final int SCHEMA_VERSION = 1;
  /** A command with its ID token (about 1 KB; a JWT with many claims is under 3 KB). */
  public static final int MAX_BYTES = 8 * 1024;
  /** Where the sender's ID token travels: a Pub/Sub attribute value is limited to 1024 bytes. */
  public static final String ID_TOKEN = "idToken";
  public static final int MAX_ID_TOKEN = 4 * 1024;
  public static final int MAX_REASON = 1000;
  public static final int MAX_ACTOR = 254;
  /** A pause longer than this is a forgotten pause: open-ended pauses are explicit (no expiry). */
  public static final Duration MAX_PAUSE = Duration.ofDays(7);

  static final Pattern SERVICE = Pattern.compile("[a-z]([-a-z0-9]{0,47}[a-z0-9])?");
  /** A rollout id: a revision-like name, then {@code @region} for a region of a release. */
  static final Pattern ROLLOUT_ID =
      Pattern.compile("[a-z][-a-z0-9]{0,62}(@[a-z]+-[a-z]+[0-9]{1,2})?");
  private static final Set<String> FIELDS = Set.of("schemaVersion", "command", "service",
      "rolloutId", "reason", "actor", "expiresAt", "atExpiry", ID_TOKEN, "region");
  static final Pattern REGION = Pattern.compile("[a-z]+-[a-z]+[0-9]{1,2}");

  public Decoded<CommandRequest> decode(PubSubMessage m, String eventId) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("eventId", eventId);
    return Decoded.guarded(fields, () -> Decoded.accepted(decode(m, eventId, fields)));
  }

  private static CommandRequest decode(PubSubMessage m, String eventId,
      Map<String, Object> fields) {
    if (m.data().length > MAX_BYTES) {
      throw new MalformedEventException("command is " + m.data().length
          + " bytes, over the limit of " + MAX_BYTES);
    }
    JsonNode root = Json.parse(m.data(), "command");
    // Read the target first, so that every later rejection can still name it.
    String service = optionalText(root, "service");
    if (service != null && SERVICE.matcher(service).matches()) {
      fields.put("service", service);
    }
    String rolloutId = optionalText(root, "rolloutId");
    if (rolloutId != null && ROLLOUT_ID.matcher(rolloutId).matches()) {
      fields.put("rolloutId", rolloutId);
    }
    String actor = optionalText(root, "actor");
    if (actor != null && !actor.isBlank() && actor.length() <= MAX_ACTOR) {
      fields.put("actor", actor);
    }
    String commandText = optionalText(root, "command");
    if (commandText != null) {
      fields.put("command", Json.abbreviate(commandText));
    }

    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new MalformedEventException("command has unknown field \"" + Json.abbreviate(f)
            + "\" (schema version 1 allows " + String.join(", ", FIELDS.stream().sorted()
            .toList()) + ")");
      }
    }
    JsonNode version = root.get("schemaVersion");
    if (version == null) {
      throw new MalformedEventException("command has no schemaVersion (expected 1)");
    }
    if (!version.isIntegralNumber() || version.asInt() != SCHEMA_VERSION) {
      throw new MalformedEventException("command schemaVersion " + version
          + " is not supported (expected 1)");
    }
    if (commandText == null) {
      throw new MalformedEventException("command has no \"command\" (one of pause, resume, "
          + "promote, rollback, retry, drill)");
    }
    CommandType command = switch (commandText) {
      case "pause" -> CommandType.PAUSE;
      case "resume" -> CommandType.RESUME;
      case "promote" -> CommandType.PROMOTE;
      case "rollback" -> CommandType.ROLLBACK;
      case "retry" -> CommandType.RETRY;
      case "drill" -> CommandType.DRILL;
      default -> throw new MalformedEventException("unknown command '"
          + Json.abbreviate(commandText)
          + "' (one of pause, resume, promote, rollback, retry, drill)");
    };
    String region = optionalText(root, "region");
    // drill: the region the operator expects the service in; the others: the one region of a
    // service released across regions the command acts on.
    if (region != null && !REGION.matcher(region).matches()) {
      throw new MalformedEventException("region '" + Json.abbreviate(region)
          + "' is not a Cloud Run region");
    }
    if (command == CommandType.DRILL && rolloutId != null) {
      throw new MalformedEventException("drill takes no rolloutId: a drill is a rollout of its"
          + " own, started when none is in flight");
    }
    if (service == null) {
      throw new MalformedEventException("command has no \"service\"");
    }
    if (!SERVICE.matcher(service).matches()) {
      throw new MalformedEventException("service '" + Json.abbreviate(service)
          + "' is not a Cloud Run service name");
    }
    if (rolloutId != null && !ROLLOUT_ID.matcher(rolloutId).matches()) {
      throw new MalformedEventException("rolloutId '" + Json.abbreviate(rolloutId)
          + "' is not a rollout id");
    }
    if (actor != null && actor.length() > MAX_ACTOR) {
      throw new MalformedEventException("actor is " + actor.length() + " characters, over "
          + MAX_ACTOR);
    }
    String reason = optionalText(root, "reason");
    if (reason == null || reason.isBlank()) {
      throw new MalformedEventException("command has no \"reason\": every override says why");
    }
    if (reason.length() > MAX_REASON) {
      throw new MalformedEventException("reason is " + reason.length() + " characters, over "
          + MAX_REASON);
    }
    String expires = optionalText(root, "expiresAt");
    String atExpiryText = optionalText(root, "atExpiry");
    Instant expiresAt = null;
    ExpiryAction atExpiry = null;
    if (command != CommandType.PAUSE && (expires != null || atExpiryText != null)) {
      throw new MalformedEventException("expiresAt and atExpiry apply to pause only, not to "
          + commandText);
    }
    if (atExpiryText != null && expires == null) {
      throw new MalformedEventException("atExpiry needs expiresAt");
    }
    if (expires != null) {
      expiresAt = Json.instant(expires, "expiresAt");
      if (!expiresAt.isAfter(m.publishTime())) {
        throw new MalformedEventException("expiresAt " + expiresAt
            + " is not after the command was published (" + m.publishTime() + ")");
      }
      if (Duration.between(m.publishTime(), expiresAt).compareTo(MAX_PAUSE) > 0) {
        throw new MalformedEventException("expiresAt " + expiresAt + " is more than "
            + MAX_PAUSE.toDays() + " days away; omit it for a pause until resumed");
      }
      atExpiry = atExpiryText == null ? ExpiryAction.RESUME
          : switch (atExpiryText) {
            case "resume" -> ExpiryAction.RESUME;
            case "rollback" -> ExpiryAction.ROLLBACK;
            default -> throw new MalformedEventException("atExpiry '"
                + Json.abbreviate(atExpiryText) + "' is neither resume nor rollback");
          };
    }
    // The claimed actor until the function replaces it with the verified sender.
    return new CommandRequest(eventId, m.publishTime(), service, rolloutId, command,
        actor == null || actor.isBlank() ? "unknown" : actor, reason, expiresAt, atExpiry, null,
        region);
  }

  /**
   * The sender's ID token ({@code idToken}), read before anything else is decoded, so that a
   * command is authenticated before it is believed. Empty when absent or unreadable.
   */
  public static Optional<String> idToken(PubSubMessage m) {
    if (m.data().length > MAX_BYTES) {
      return Optional.empty();
    }
    try {
      JsonNode t = Json.parse(m.data(), "command").get(ID_TOKEN);
      return t != null && t.isTextual() && !t.asText().isBlank()
          && t.asText().length() <= MAX_ID_TOKEN
          ? Optional.of(t.asText().strip()) : Optional.empty();
    } catch (MalformedEventException e) {
      return Optional.empty(); // decode() names the problem
    }
  }

  /** Null when absent; a rejection when present but not a string. */
  private static String optionalText(JsonNode root, String name) {
    JsonNode v = root.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new MalformedEventException(name + " must be a string, got "
          + v.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    return v.asText();
  }
}
