package dev.canaryrun.functions;

import dev.canaryrun.gcp.decode.Decoded;
import dev.canaryrun.gcp.decode.EventSource;
import dev.canaryrun.gcp.decode.PubSubMessage;
import dev.canaryrun.service.AlertRequest;
import dev.canaryrun.service.HandleResult;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code canaryrun-alerts}: a Cloud Monitoring incident. Open on the candidate: roll back now;
 * open on the stable revision: hold and notify; closed: recorded.
 */
public final class OnAlertFired extends PubSubFunction {
  /** As the Functions Framework creates it: wired from the environment on the first event. */
  public OnAlertFired() {
    this(Controller.lazilyFromEnvironment());
  }

  /** Around a controller built elsewhere (the demo, tests). */
  public OnAlertFired(Controller controller) {
    this(() -> controller);
  }

  OnAlertFired(Supplier<Controller> controller) {
    super(EventSource.ALERT, controller);
  }

  @Override
  List<HandleResult> handle(Controller c, PubSubMessage message, String eventId) {
    Decoded<AlertRequest> d = c.incidents().decode(message, eventId);
    if (d instanceof Decoded.Accepted<AlertRequest> a) {
      return List.of(c.service().onAlert(a.value()));
    }
    return reportNotAccepted(d, eventId);
  }
}
