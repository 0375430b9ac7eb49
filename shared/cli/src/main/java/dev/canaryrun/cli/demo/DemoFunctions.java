package dev.canaryrun.cli.demo;

import com.google.cloud.functions.CloudEventsFunction;
import dev.canaryrun.functions.Controller;
import dev.canaryrun.functions.Env;
import dev.canaryrun.gcp.auth.IdTokenVerifier;
import dev.canaryrun.functions.OnAlertFired;
import dev.canaryrun.functions.OnBuildFinished;
import dev.canaryrun.functions.OnCommand;
import dev.canaryrun.functions.OnPhaseTick;
import dev.canaryrun.port.PolicyStore;
import dev.canaryrun.port.RolloutStore;
import dev.canaryrun.service.RolloutService;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The four real functions of functions/ (the classes Terraform deploys), one per topic, each
 * fed the CloudEvent its Eventarc trigger would deliver.
 *
 * <p>A deployed function builds its {@link Controller} from its environment on the first
 * event. The demo runs all four in its own JVM, whose environment it cannot set, so it builds
 * the controller itself and installs it as the instance's controller, which is what the
 * functions' end-to-end harness does too, through {@link Controller#install}.
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

  /** A controller around ports the demo built (in-memory mode). */
  static DemoFunctions withPorts(RolloutService service, RolloutStore store, PolicyStore policies,
      Clock clock, String defaultRegion) {
    // The demo is local: commands without an ID token are let through, marked unverified.
    return install(new Controller(service, store, policies, clock,
        IdTokenVerifier.withCertificates(Env.DEFAULT_COMMAND_AUDIENCES,
            IdTokenVerifier.GOOGLE_CERTS), true));
  }

  private static DemoFunctions install(Controller controller) {
    Controller.install(controller);
    // The public constructors, as the Functions Framework calls them; they use the instance.
    return new DemoFunctions(controller, new OnBuildFinished(), new OnPhaseTick(),
        new OnAlertFired(), new OnCommand());
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
