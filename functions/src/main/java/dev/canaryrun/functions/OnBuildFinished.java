package dev.canaryrun.functions;

import dev.canaryrun.gcp.decode.BuildRelease;
import dev.canaryrun.gcp.decode.Decoded;
import dev.canaryrun.gcp.decode.EventSource;
import dev.canaryrun.gcp.decode.PubSubMessage;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import dev.canaryrun.service.HandleResult;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code cloud-builds}: a SUCCESS build of a watched service starts a rollout. A build that
 * deployed the image itself (Cloud Run continuous deployment) has its revision looked up on
 * Cloud Run first and adopted.
 */
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
    Decoded<BuildRelease> d = c.builds().decode(message, eventId);
    if (d instanceof Decoded.Accepted<BuildRelease> a) {
      BuildRelease release = a.value();
      BuildSucceeded build = release.origin() == BuildRelease.Origin.BUILD_DEPLOYED
          // The build already made the revision: adopt it instead of deploying a second one.
          ? release.adopting(c.revisions().deployedBy(release))
          : release.event();
      return List.of(c.service().onBuildSucceeded(build));
    }
    return reportNotAccepted(d, eventId);
  }
}
