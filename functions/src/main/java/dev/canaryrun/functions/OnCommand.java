package dev.canaryrun.functions;

import dev.canaryrun.gcp.decode.Decoded;
import dev.canaryrun.gcp.decode.EventSource;
import dev.canaryrun.gcp.decode.PubSubMessage;
import dev.canaryrun.service.CommandRequest;
import dev.canaryrun.service.HandleResult;
import dev.canaryrun.service.MalformedCommandRequest;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code canaryrun-commands}: an operator's pause, resume, promote, rollback or retry. A
 * malformed command is logged and acked, and still audited on the rollout it names: the trail
 * of who tried to move production traffic must be complete, including the typos.
 */
public final class OnCommand extends PubSubFunction {
  /** As the Functions Framework creates it: wired from the environment on the first event. */
  public OnCommand() {
    this(Controller.lazilyFromEnvironment());
  }

  /** Around a controller built elsewhere (the demo, tests). */
  public OnCommand(Controller controller) {
    this(() -> controller);
  }

  OnCommand(Supplier<Controller> controller) {
    super(EventSource.COMMAND, controller);
  }

  @Override
  List<HandleResult> handle(Controller c, PubSubMessage message, String eventId) {
    Decoded<CommandRequest> d = c.commands().decode(message, eventId);
    if (d instanceof Decoded.Rejected<CommandRequest> r) {
      reportNotAccepted(d, eventId);
      return c.service().onMalformedCommand(new MalformedCommandRequest(eventId,
          message.publishTime(), text(r.fields(), "service"), text(r.fields(), "rolloutId"),
          text(r.fields(), "actor"), r.problem())).stream().toList();
    }
    return List.of(c.service().onCommand(((Decoded.Accepted<CommandRequest>) d).value()));
  }

  private static String text(Map<String, Object> fields, String name) {
    return fields.get(name) instanceof String s ? s : null;
  }
}
