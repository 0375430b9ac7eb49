package dev.canaryrun.functions;

import dev.canaryrun.gcp.decode.Decoded;
import dev.canaryrun.gcp.decode.EventSource;
import dev.canaryrun.gcp.decode.PubSubMessage;
import dev.canaryrun.service.CommandRequest;
import dev.canaryrun.service.DecisionLog;
import dev.canaryrun.service.HandleResult;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code canaryrun-commands}: an operator's pause, resume, promote, rollback or retry. A
 * malformed command is logged and acked, and still audited on the rollout it names: the trail
 * of who tried to move production traffic must be complete, including the typos.
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
    Decoded<CommandRequest> d = c.commands().decode(message, eventId);
    if (d instanceof Decoded.Rejected<CommandRequest> r) {
      reportNotAccepted(d, eventId);
      return new RejectedCommandAudit(c.store(), c.clock())
          .record(r.problem(), r.fields(), eventId).stream().toList();
    }
    CommandRequest command = ((Decoded.Accepted<CommandRequest>) d).value();
    if (c.policies().find(command.service()).isEmpty()) {
      DecisionLog.error(name() + ": rejected command: unknown service " + command.service()
              + " (no policies/" + command.service() + " document)", null,
          "function", name(), "eventId", eventId, "service", command.service(),
          "actor", command.actor(), "command", command.command().name());
      return List.of();
    }
    return List.of(c.service().onCommand(command));
  }
}
