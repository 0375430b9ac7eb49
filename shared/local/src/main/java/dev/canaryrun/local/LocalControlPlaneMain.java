package dev.canaryrun.local;

import com.google.cloud.run.v2.Service;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the local control plane standalone: {@code java dev.canaryrun.local.LocalControlPlaneMain
 * [--port N] [--project P] [--region R] [--service S] [--image IMAGE] [--history FILE]}. Seeds
 * one service (default {@code checkout} running {@code localhost/demo/checkout:v1}), loads a
 * recorded metric history into its Monitoring if given ({@link RecordedHistory}, for
 * {@code canaryrun backtest}), prints the endpoints, then serves until killed.
 */
public final class LocalControlPlaneMain {

  private LocalControlPlaneMain() {}

  public static void main(String[] args) throws InterruptedException {
    int port = 8089;
    String project = LocalMonitoring.DEFAULT_PROJECT;
    String region = LocalMonitoring.DEFAULT_LOCATION;
    String service = "checkout";
    String image = "localhost/demo/checkout:v1";
    String history = null;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(require(args[i], value));
        case "--project" -> project = require(args[i], value);
        case "--region" -> region = require(args[i], value);
        case "--service" -> service = require(args[i], value);
        case "--image" -> image = require(args[i], value);
        case "--history" -> history = require(args[i], value);
        case "--help", "-h" -> {
          System.out.println("usage: LocalControlPlaneMain [--port N] [--project P] "
              + "[--region R] [--service S] [--image IMAGE] [--history FILE]");
          return;
        }
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
      i++;
    }
    LocalControlPlane plane = LocalControlPlane.start(port);
    plane.monitoring().setDefaults(project, region);
    Service s = plane.cloudRun().createService(
        "projects/" + project + "/locations/" + region, service, image);
    if (history != null) {
      try (java.io.InputStream in = java.nio.file.Files.newInputStream(
          java.nio.file.Path.of(history))) {
        RecordedHistory h = RecordedHistory.read(in, history, project);
        plane.monitoring().load(h);
        System.out.println("history         " + history + ": " + h.batches().size()
            + " request batches (project " + project + ")");
      } catch (java.io.IOException e) {
        plane.close();
        throw new java.io.UncheckedIOException("cannot read " + history, e);
      }
    }
    Runtime.getRuntime().addShutdownHook(new Thread(plane::close, "local-control-plane-stop"));
    System.out.println("gRPC endpoint   " + plane.endpoint()
        + "  (CANARYRUN_RUN_ENDPOINT and CANARYRUN_MONITORING_ENDPOINT)");
    System.out.println("service         " + s.getName());
    System.out.println("service URL     " + s.getUri());
    System.out.println("revision        " + s.getLatestReadyRevision());
    new CountDownLatch(1).await();
  }

  private static String require(String flag, String value) {
    if (value == null) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return value;
  }
}
