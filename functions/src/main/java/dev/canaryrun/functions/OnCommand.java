package dev.canaryrun.functions;

import dev.canaryrun.gcp.decode.Decoded;
import dev.canaryrun.gcp.decode.EventSource;
import dev.canaryrun.gcp.decode.PubSubMessage;
import dev.canaryrun.service.CommandRequest;
import dev.canaryrun.service.DecisionLog;
import dev.canaryrun.service.HandleResult;
import dev.canaryrun.service.MalformedCommandRequest;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code canaryrun-commands}: an operator's pause, resume, promote, rollback or retry, from the
 * sender its ID token names (docs/SECURITY.md). A malformed command from a verified sender is
 * logged and acked, and still audited on the rollout it names: the trail of who tried to move
 * production traffic must be complete, including the typos. So is a command from someone the
 * service's policy does not list among its operators (decided by the engine).
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
      return c.service().onMalformedCommand(new MalformedCommandRequest(eventId,
          message.publishTime(), text(r.fields(), "service"), text(r.fields(), "rolloutId"),
          sender.actor(text(r.fields(), "actor")), r.problem())).stream().toList();
    }
    CommandRequest decoded = ((Decoded.Accepted<CommandRequest>) d).value();
    CommandRequest command = sender instanceof CommandSender.Verified v
        ? decoded.fromVerified(v.email())
        : decoded.withActor(sender.actor(decoded.actor()));
    return List.of(c.service().onCommand(command));
  }

  private static String text(Map<String, Object> fields, String name) {
    return fields.get(name) instanceof String s ? s : null;
  }
}
