package dev.canaryrun.cli.demo;

import dev.canaryrun.functions.DeploymentContract;
import dev.canaryrun.functions.Env;
import dev.canaryrun.functions.OnAlertFired;
import dev.canaryrun.functions.OnBuildFinished;
import dev.canaryrun.functions.OnCommand;
import dev.canaryrun.functions.OnPhaseTick;
import java.util.List;

/**
 * The topics of the deployment contract as the demo uses them, taken from
 * {@link DeploymentContract} so that the demo wires exactly what Terraform deploys.
 */
final class Topics {
  static final String BUILDS = topicOf(OnBuildFinished.class);
  static final String TICKS = topicOf(OnPhaseTick.class);
  static final String ALERTS = topicOf(OnAlertFired.class);
  static final String COMMANDS = topicOf(OnCommand.class);
  static final String EVENTS = Env.DEFAULT_EVENTS_TOPIC;

  static final List<String> ALL = DeploymentContract.TOPICS;

  /** The demo's own subscription to the lifecycle events, for its live view. */
  private static final String LIVE_VIEW_SUBSCRIPTION = "canaryrun-demo-live-view";

  private Topics() {}

  /** Named after the function it feeds; the events topic feeds the live view. */
  static String subscription(String topic) {
    if (topic.equals(EVENTS)) {
      return LIVE_VIEW_SUBSCRIPTION;
    }
    return DeploymentContract.FUNCTIONS.stream()
        .filter(f -> f.topic().equals(topic))
        .map(DeploymentContract.Function::name)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown topic " + topic));
  }

  private static String topicOf(Class<?> entryPoint) {
    return DeploymentContract.FUNCTIONS.stream()
        .filter(f -> f.entryPoint().equals(entryPoint))
        .map(DeploymentContract.Function::topic)
        .findFirst()
        .orElseThrow();
  }
}
