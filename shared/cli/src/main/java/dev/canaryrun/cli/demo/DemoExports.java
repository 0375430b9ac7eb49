package dev.canaryrun.cli.demo;

import dev.canaryrun.functions.Env;
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
    String project, String region) {

  /** The variables, in the order they are printed. */
  public Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(Env.FIRESTORE_EMULATOR_HOST, firestoreHost);
    env.put(Env.PUBSUB_EMULATOR_HOST, pubsubHost);
    env.put(Env.RUN_ENDPOINT, runEndpoint);
    env.put(Env.PROJECT, project);
    env.put(Env.REGION, region);
    return env;
  }

  List<String> lines() {
    List<String> out = new ArrayList<>();
    out.add("");
    out.add("== kept running (--keep): emulators, local Cloud Run, the four functions, ticks and"
        + " load. In another terminal:");
    env().forEach((k, v) -> out.add("export " + k + "=" + v));
    out.add("./canaryrun status      # then get, history, explain, pause, ... (--help)");
    out.add("Ctrl-C here stops everything.");
    return out;
  }
}
