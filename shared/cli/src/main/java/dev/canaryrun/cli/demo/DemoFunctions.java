package dev.canaryrun.cli.demo;

import com.google.cloud.functions.CloudEventsFunction;
import dev.canaryrun.functions.Controller;
import dev.canaryrun.functions.OnAlertFired;
import dev.canaryrun.functions.OnBuildFinished;
import dev.canaryrun.functions.OnCommand;
import dev.canaryrun.functions.OnPhaseTick;
import dev.canaryrun.port.PolicyStore;
import dev.canaryrun.port.RolloutStore;
import dev.canaryrun.service.RolloutService;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Clock;
import java.util.Map;

/**
 * The four real functions of functions/ (the classes Terraform deploys), one per topic, each
 * fed the CloudEvent its Eventarc trigger would deliver.
 *
 * <p>A deployed function builds its {@link Controller} from its environment on the first
 * event. The demo runs all four in its own JVM, whose environment it cannot set, so it builds
 * the controller itself and installs it as the instance's controller, which is what the
 * functions' end-to-end harness does too. {@code Controller.install} and the port-taking
 * constructor are package-private, hence the reflection below (see docs/DEMO.md: a public
 * seam in functions/ would remove it).
 */
record DemoFunctions(Controller controller, CloudEventsFunction onBuildFinished,
    CloudEventsFunction onPhaseTick, CloudEventsFunction onAlertFired,
    CloudEventsFunction onCommand) implements AutoCloseable {

  /** The controller exactly as a deployed function wires it, from a function environment. */
  static DemoFunctions fromEnvironment(Map<String, String> env, Clock clock) {
    return install(Controller.fromEnvironment(env, clock));
  }

  /** A controller around ports the demo built (in-memory mode). */
  static DemoFunctions withPorts(RolloutService service, RolloutStore store, PolicyStore policies,
      Clock clock, String defaultRegion) {
    try {
      Constructor<Controller> c = Controller.class.getDeclaredConstructor(RolloutService.class,
          RolloutStore.class, PolicyStore.class, Clock.class, String.class);
      c.setAccessible(true);
      return install(c.newInstance(service, store, policies, clock, defaultRegion));
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("cannot build the functions' controller: " + e.getCause(),
          e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("functions/ changed: no Controller(RolloutService, "
          + "RolloutStore, PolicyStore, Clock, String) constructor to inject ports: " + e, e);
    }
  }

  private static DemoFunctions install(Controller controller) {
    try {
      Method install = Controller.class.getDeclaredMethod("install", Controller.class);
      install.setAccessible(true);
      install.invoke(null, controller);
    } catch (ReflectiveOperationException e) {
      controller.close();
      throw new IllegalStateException("functions/ changed: no Controller.install(Controller) to "
          + "give the functions the demo's controller: " + e, e);
    }
    // The public constructors, as the Functions Framework calls them; they use the instance.
    return new DemoFunctions(controller, new OnBuildFinished(), new OnPhaseTick(),
        new OnAlertFired(), new OnCommand());
  }

  CloudEventsFunction forTopic(String topic) {
    return switch (topic) {
      case Topics.BUILDS -> onBuildFinished;
      case Topics.TICKS -> onPhaseTick;
      case Topics.ALERTS -> onAlertFired;
      case Topics.COMMANDS -> onCommand;
      default -> throw new IllegalArgumentException("no function on " + topic);
    };
  }

  @Override
  public void close() {
    controller.close();
  }
}
