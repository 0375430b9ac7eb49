package dev.canaryrun.cli.demo;

import dev.canaryrun.cli.ops.LocalDashboard;
import dev.canaryrun.functions.Env;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./canaryrun demo --keep}: the environment that points the CLI (and any Google
 * client library) at the demo's emulators and local Cloud Run, printed as {@code export}
 * lines to paste into another terminal.
 */
public record DemoExports(String firestoreHost, String pubsubHost, String runEndpoint,
    String project, String region, java.net.URI dashboard) {

  /** The variables, in the order they are printed. */
  public Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(Env.FIRESTORE_EMULATOR_HOST, firestoreHost);
    env.put(Env.PUBSUB_EMULATOR_HOST, pubsubHost);
    env.put(Env.RUN_ENDPOINT, runEndpoint);
    // The same local server answers Cloud Monitoring (the dashboard's charts read it).
    env.put(Env.MONITORING_ENDPOINT, runEndpoint);
    env.put(Env.PROJECT, project);
    env.put(Env.REGION, region);
    return env;
  }

  public DemoExports withDashboard(java.net.URI uri) {
    return new DemoExports(firestoreHost, pubsubHost, runEndpoint, project, region, uri);
  }

  /**
   * The dashboard on {@code port} (any free port when taken), reading the demo's emulators
   * and local Monitoring as {@code ./canaryrun dashboard} would with these exports.
   */
  LocalDashboard startDashboard(Clock clock, int port) throws java.io.IOException {
    Map<String, String> env = new java.util.HashMap<>(System.getenv());
    env.putAll(env());
    return LocalDashboard.start(env, clock, port);
  }

  List<String> lines() {
    List<String> out = new ArrayList<>();
    out.add("");
    out.add("== kept running (--keep): emulators, local Cloud Run, the four functions, ticks and"
        + " load. In another terminal:");
    env().forEach((k, v) -> out.add("export " + k + "=" + v));
    out.add("./canaryrun status      # then get, history, explain, pause, ... (--help)");
    if (dashboard != null) {
      out.add("The dashboard shows the releases: " + dashboard
          + "  (or run ./canaryrun dashboard yourself)");
    }
    out.add("Ctrl-C here stops everything.");
    return out;
  }
}
