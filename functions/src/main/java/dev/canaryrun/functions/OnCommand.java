package dev.canaryrun.functions;

import dev.canaryrun.gcp.decode.Decoded;
import dev.canaryrun.gcp.decode.EventSource;
import dev.canaryrun.gcp.decode.PubSubMessage;
import dev.canaryrun.port.PolicyStore;
import dev.canaryrun.service.CommandRequest;
import dev.canaryrun.service.DecisionLog;
import dev.canaryrun.service.HandleResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code canaryrun-commands}: an operator's pause, resume, promote, rollback or retry, from the
 * sender its ID token names (docs/SECURITY.md). A malformed command from a verified sender is
 * logged and acked, and still audited on the rollout it names: the trail of who tried to move
 * production traffic must be complete, including the typos. So is a command from someone the
 * service's policy does not list among its operators.
 */
public final class OnCommand extends PubSubFunction {
  public OnCommand() {
    this(Controller::instance);
  }

  OnCommand(Supplier<Controller> controller) {
    super(EventSource.COMMAND, controller);
  }

  @Override
  List<HandleResult> handle(Controller c, PubSubMessage message, String eventId) {
    // Authenticated before believed: an anonymous command is logged, acked, and audited
    // nowhere (it names nobody, and an anonymous writer must not be able to fill the trail).
    CommandSender.Identity sender = c.senders().identify(message);
    if (sender instanceof CommandSender.Refused refused) {
      DecisionLog.error(name() + ": refused command from an unverified sender: "
          + refused.problem(), null, "function", name(), "eventId", eventId);
      return List.of();
    }
    Decoded<CommandRequest> d = c.commands().decode(message, eventId);
    if (d instanceof Decoded.Rejected<CommandRequest> r) {
      reportNotAccepted(d, eventId);
      Map<String, Object> fields = new LinkedHashMap<>(r.fields());
      fields.put("actor", sender.actor((String) r.fields().get("actor")));
      return new RejectedCommandAudit(c.store(), c.clock())
          .record(r.problem(), fields, eventId).stream().toList();
    }
    CommandRequest decoded = ((Decoded.Accepted<CommandRequest>) d).value();
    CommandRequest command = decoded.withActor(sender.actor(decoded.actor()));
    Optional<PolicyStore.WatchedService> watched = c.policies().find(command.service());
    if (watched.isEmpty()) {
      DecisionLog.error(name() + ": rejected command: unknown service " + command.service()
              + " (no policies/" + command.service() + " document)", null,
          "function", name(), "eventId", eventId, "service", command.service(),
          "actor", command.actor(), "command", command.command().name());
      return List.of();
    }
    String email = sender instanceof CommandSender.Verified v ? v.email() : null;
    if (!watched.get().policy().operators().allows(email)) {
      String problem = command.actor() + " is not an operator of " + command.service()
          + " (the policy's operators: " + watched.get().policy().operators().emails() + ")";
      DecisionLog.error(name() + ": refused command: " + problem, null, "function", name(),
          "eventId", eventId, "service", command.service(), "actor", command.actor());
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("service", command.service());
      if (command.rolloutId() != null) {
        fields.put("rolloutId", command.rolloutId());
      }
      fields.put("actor", command.actor());
      return new RejectedCommandAudit(c.store(), c.clock())
          .record(RejectedCommandAudit.UNAUTHORIZED, problem, fields, eventId).stream().toList();
    }
    return List.of(c.service().onCommand(command));
  }
}
