package dev.canaryrun.functions;

import dev.canaryrun.gcp.decode.Decoded;
import dev.canaryrun.gcp.decode.EventSource;
import dev.canaryrun.gcp.decode.PubSubMessage;
import dev.canaryrun.gcp.decode.ScheduledDrillDecoder;
import dev.canaryrun.service.DrillRequest;
import dev.canaryrun.service.HandleResult;
import dev.canaryrun.service.TickRequest;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code canaryrun-ticks}: judge every active rollout (or one); advance, hold, promote, roll
 * back. The weekly rollback drill job's message arrives here too.
 */
public final class OnPhaseTick extends PubSubFunction {
  /** As the Functions Framework creates it: wired from the environment on the first event. */
  public OnPhaseTick() {
    this(Controller.lazilyFromEnvironment());
  }

  /** Around a controller built elsewhere (the demo, tests). */
  public OnPhaseTick(Controller controller) {
    this(() -> controller);
  }

  OnPhaseTick(Supplier<Controller> controller) {
    super(EventSource.TICK, controller);
  }

  @Override
  List<HandleResult> handle(Controller c, PubSubMessage message, String eventId) {
    if (ScheduledDrillDecoder.isDrill(message)) {
      // The weekly drill job publishes here (a scheduler job cannot sign a command); the drill
      // then takes the operator's drill path (README "Rollback drills").
      Decoded<DrillRequest> drill = c.scheduledDrills().decode(message, eventId);
      return drill instanceof Decoded.Accepted<DrillRequest> a
          ? List.of(c.service().onDrill(a.value())) : reportNotAccepted(drill, eventId);
    }
    Decoded<TickRequest> d = c.ticks().decode(message, eventId);
    if (d instanceof Decoded.Accepted<TickRequest> a) {
      return c.service().onTick(a.value());
    }
    return reportNotAccepted(d, eventId);
  }
}
