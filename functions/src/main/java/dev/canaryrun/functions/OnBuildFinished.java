package dev.canaryrun.functions;

import dev.canaryrun.gcp.decode.Decoded;
import dev.canaryrun.gcp.decode.EventSource;
import dev.canaryrun.gcp.decode.PubSubMessage;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import dev.canaryrun.service.HandleResult;
import java.util.List;
import java.util.function.Supplier;

/** {@code cloud-builds}: a SUCCESS build of a watched service starts a rollout. */
public final class OnBuildFinished extends PubSubFunction {
  /** As the Functions Framework creates it: wired from the environment on the first event. */
  public OnBuildFinished() {
    this(Controller.lazilyFromEnvironment());
  }

  /** Around a controller built elsewhere (the demo, tests). */
  public OnBuildFinished(Controller controller) {
    this(() -> controller);
  }

  OnBuildFinished(Supplier<Controller> controller) {
    super(EventSource.BUILD, controller);
  }

  @Override
  List<HandleResult> handle(Controller c, PubSubMessage message, String eventId) {
    Decoded<BuildSucceeded> d = c.builds().decode(message, eventId);
    if (d instanceof Decoded.Accepted<BuildSucceeded> a) {
      return List.of(c.service().onBuildSucceeded(a.value()));
    }
    return reportNotAccepted(d, eventId);
  }
}
