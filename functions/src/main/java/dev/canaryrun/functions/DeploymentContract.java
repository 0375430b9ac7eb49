package dev.canaryrun.functions;

import java.util.List;

/**
 * The deployment half of docs/CONTRACT.md in code: each function's name, entry point and
 * trigger topic. TerraformContractTest holds the Terraform module and CONTRACT.md to it.
 */
public final class DeploymentContract {
  public static final String EVENT_TYPE = "google.cloud.pubsub.topic.v1.messagePublished";
  public static final String RUNTIME = "java17";
  public static final String RETRY_POLICY = "RETRY_POLICY_RETRY";
  public static final String JAR = "functions/target/canaryrun-functions.jar";

  /** One deployed function. */
  public record Function(String name, Class<? extends PubSubFunction> entryPoint, String topic) {
    public String entryPointName() {
      return entryPoint.getName();
    }
  }

  public static final List<Function> FUNCTIONS = List.of(
      new Function("canaryrun-on-build-finished", OnBuildFinished.class, "cloud-builds"),
      new Function("canaryrun-on-phase-tick", OnPhaseTick.class, "canaryrun-ticks"),
      new Function("canaryrun-on-alert-fired", OnAlertFired.class, "canaryrun-alerts"),
      new Function("canaryrun-on-command", OnCommand.class, "canaryrun-commands"),
      new Function("canaryrun-on-revision-created", OnRevisionCreated.class,
          "canaryrun-revisions"));

  /**
   * The chat notifier (terraform/notifications.tf, deployed only with chat targets): not a
   * controller function, it reads the controller's lifecycle events.
   */
  public static final String NOTIFIER_NAME = "canaryrun-on-lifecycle-event";
  public static final Class<OnLifecycleEvent> NOTIFIER_ENTRY_POINT = OnLifecycleEvent.class;

  /** Every topic of the contract, the controller's own included. */
  public static final List<String> TOPICS = List.of("cloud-builds", "canaryrun-ticks",
      "canaryrun-alerts", "canaryrun-commands", "canaryrun-revisions", Env.DEFAULT_EVENTS_TOPIC);

  private DeploymentContract() {}
}
