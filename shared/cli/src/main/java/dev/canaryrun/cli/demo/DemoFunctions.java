package dev.canaryrun.cli.demo;

import com.google.cloud.functions.CloudEventsFunction;
import dev.canaryrun.functions.Controller;
import dev.canaryrun.functions.Env;
import dev.canaryrun.functions.OnAlertFired;
import dev.canaryrun.functions.OnBuildFinished;
import dev.canaryrun.functions.OnCommand;
import dev.canaryrun.functions.OnPhaseTick;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The four real functions of functions/ (the classes Terraform deploys), one per topic, each
 * fed the CloudEvent its Eventarc trigger would deliver.
 *
 * <p>A deployed function builds its {@link Controller} from its environment on the first
 * event. The demo runs all four in its own JVM, so it builds the controller itself, from a
 * function environment or around its own ports, and hands it to the functions' public
 * constructors.
 */
record DemoFunctions(Controller controller, CloudEventsFunction onBuildFinished,
    CloudEventsFunction onPhaseTick, CloudEventsFunction onAlertFired,
    CloudEventsFunction onCommand) implements AutoCloseable {

  /** The controller exactly as a deployed function wires it, from a function environment. */
  static DemoFunctions fromEnvironment(Map<String, String> env, Clock clock) {
    // Local only (docs/SECURITY.md): commands typed at the emulator carry no ID token.
    Map<String, String> local = new HashMap<>(env);
    local.putIfAbsent(Env.UNVERIFIED_COMMANDS, "allow");
    return install(Controller.fromEnvironment(local, clock));
  }

  private static DemoFunctions install(Controller controller) {
    // One controller for the four, as four deployed functions would each build the same one.
    return new DemoFunctions(controller, new OnBuildFinished(controller),
        new OnPhaseTick(controller), new OnAlertFired(controller), new OnCommand(controller));
  }

  CloudEventsFunction forTopic(String topic) {
    // The topics come from DeploymentContract, so they are not compile-time constants.
    if (topic.equals(Topics.BUILDS)) {
      return onBuildFinished;
    } else if (topic.equals(Topics.TICKS)) {
      return onPhaseTick;
    } else if (topic.equals(Topics.ALERTS)) {
      return onAlertFired;
    } else if (topic.equals(Topics.COMMANDS)) {
      return onCommand;
    }
    throw new IllegalArgumentException("no function on " + topic);
  }

  @Override
  public void close() {
    controller.close();
  }
}
