package dev.canaryrun.cli.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.canaryrun.cli.ops.CommandIssuer;
import dev.canaryrun.cli.ops.OperationFailed;
import dev.canaryrun.cli.ops.RolloutJson;
import dev.canaryrun.cli.ops.UsageProblem;
import dev.canaryrun.port.RolloutStore;
import dev.canaryrun.rollout.CommandType;
import dev.canaryrun.rollout.Rollout;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /api/rollouts/{id}/commands} with {@code {"command": "pause", "reason": "..."}}:
 * the dashboard's buttons, through the CLI's own {@link CommandIssuer} (the versioned Pub/Sub
 * command, the caller's identity, the wait for the audit entry). Answers 200 with the effect,
 * 400 for a request that cannot be sent (no reason), 404 for an unknown rollout, 409 with the
 * controller's reason for a rejected command, 504 when nothing happened within the wait.
 */
final class CommandEndpoint {
  static final Set<CommandType> BUTTONS = Set.of(CommandType.PAUSE, CommandType.RESUME,
      CommandType.PROMOTE, CommandType.ROLLBACK, CommandType.RETRY);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RolloutStore store;
  private final CommandIssuer issuer;
  private final Duration wait;

  CommandEndpoint(RolloutStore store, CommandIssuer issuer, Duration wait) {
    this.store = store;
    this.issuer = issuer;
    this.wait = wait;
  }

  void handle(HttpExchange ex, String rolloutId) throws IOException {
    byte[] body = Exchanges.body(ex);
    if (body == null) {
      Exchanges.error(ex, 413, "the command is larger than " + Exchanges.MAX_BODY + " bytes");
      return;
    }
    JsonNode request;
    try {
      request = JSON.readTree(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      Exchanges.error(ex, 400, "the command is not JSON: " + e.getOriginalMessage());
      return;
    }
    if (request == null || !request.isObject()) {
      Exchanges.error(ex, 400, "the command must be a JSON object with command and reason");
      return;
    }
    String name = request.path("command").asText("");
    Optional<CommandType> type = BUTTONS.stream()
        .filter(t -> t.name().equals(name.toUpperCase(Locale.ROOT))).findFirst();
    if (type.isEmpty()) {
      Exchanges.error(ex, 400, "unknown command '" + name + "': one of pause, resume, promote, "
          + "rollback, retry");
      return;
    }
    String reason = request.path("reason").asText("").strip();
    if (reason.isEmpty()) {
      Exchanges.error(ex, 400, "a reason is required: say why, for the audit trail");
      return;
    }
    Optional<Rollout> rollout = store.find(rolloutId);
    if (rollout.isEmpty()) {
      Exchanges.error(ex, 404, "no rollout '" + rolloutId + "'");
      return;
    }
    CommandIssuer.Issued issued;
    try {
      issued = issuer.issue(new CommandIssuer.Request(type.get(), rollout.get().service(),
          rolloutId, reason, null, null, wait, false));
    } catch (UsageProblem e) {
      Exchanges.error(ex, 400, e.getMessage());
      return;
    } catch (OperationFailed e) {
      Exchanges.error(ex, 409, e.getMessage());
      return;
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("outcome", issued.outcome().name());
    answer.put("actor", issued.actor());
    answer.put("messageId", issued.messageId());
    answer.put("text", issued.text());
    if (issued.rollout() != null) {
      answer.put("rollout", RolloutJson.rollout(issued.rollout()));
    }
    int status = switch (issued.outcome()) {
      case REJECTED -> 409;
      case NO_EFFECT -> 504;
      default -> 200;
    };
    if (status != 200) {
      answer.put("error", issued.text());
    }
    Exchanges.json(ex, status, answer);
  }
}
