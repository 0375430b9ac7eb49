package dev.canaryrun.functions;

import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.UpdateServiceRequest;
import com.google.cloud.functions.invoker.runner.Invoker;
import dev.canaryrun.emulators.Emulators;
import dev.canaryrun.local.publish.MessagePublished;
import dev.canaryrun.local.RecordedCall;
import dev.canaryrun.rollout.RolloutState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Measures the functions in the end-to-end harness and prints the figures (docs/FUNCTIONS-BENCH.md):
 *
 * <ol>
 *   <li>cold start: a new invoker for OnPhaseTick in a JVM that has run no function yet, from
 *       {@code new Invoker(...)} to the response to its first event (the controller and its
 *       clients are built lazily by that first event);
 *   <li>alert to rollback: a Cloud Monitoring incident published to canaryrun-alerts until
 *       the local Cloud Run receives the UpdateService call that takes the candidate to 0%,
 *       over 50 alerts, each on a fresh rollout at its first step.
 * </ol>
 *
 * Not a test: it asserts nothing about time. Run it with the command in FUNCTIONS-BENCH.md.
 */
public final class FunctionsBench {
  static final int ALERTS = 50;
  static final String POLICY = """
      {"steps": [{"percent": 10, "minDwellSeconds": 600, "maxDwellSeconds": 1200}],
       "smokeCheck": {"path": "/", "expectedStatus": 200, "attempts": 1, "timeoutSeconds": 2}}
      """;

  public static void main(String[] args) throws Exception {
    List<String> out = new ArrayList<>();
    Emulators emulators = Emulators.shared();
    try {
      coldStart(emulators, out);
      alertToRollback(emulators, out);
    } finally {
      emulators.close();
    }
    String report = String.join(System.lineSeparator(), out) + System.lineSeparator();
    System.out.print(report);
    Path file = Path.of("target", "functions-bench.txt");
    Files.createDirectories(file.getParent());
    Files.writeString(file, report);
  }

  private static void coldStart(Emulators emulators, List<String> out) throws Exception {
    // Endpoints that are never called: a tick with no active rollout reads only Firestore.
    FunctionEnvironment.override(Map.of(Env.PROJECT, emulators.newProjectId(),
        Env.REGION, "europe-west1", Env.FIRESTORE_EMULATOR_HOST, emulators.firestoreHost(),
        Env.PUBSUB_EMULATOR_HOST, emulators.pubsubHost(),
        Env.RUN_ENDPOINT, "127.0.0.1:1", Env.MONITORING_ENDPOINT, "127.0.0.1:1"));
    int port = EndToEndHarness.freePort();
    long t0 = System.nanoTime();
    Invoker invoker = new Invoker(port, OnPhaseTick.class.getName(), "cloudevent",
        FunctionsBench.class.getClassLoader());
    invoker.startTestServer();
    long started = System.nanoTime();
    byte[] body = MessagePublished.data("{}".getBytes(StandardCharsets.UTF_8), Map.of(), "1",
        Instant.now(), "projects/bench/subscriptions/OnPhaseTick");
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/"))
        .header("ce-specversion", "1.0").header("ce-id", "1")
        .header("ce-source", "//pubsub.googleapis.com/projects/bench/topics/canaryrun-ticks")
        .header("ce-type", DeploymentContract.EVENT_TYPE)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    long handled = System.nanoTime();
    invoker.stopServer();
    FunctionEnvironment.clearOverrides();
    out.add("cold start (invoker start -> first event handled, HTTP " + r.statusCode() + "): "
        + ms(handled - t0) + " ms = invoker start " + ms(started - t0) + " ms + first event "
        + ms(handled - started) + " ms (controller and clients built lazily)");
  }

  private static void alertToRollback(Emulators emulators, List<String> out) throws Exception {
    try (EndToEndHarness h = new EndToEndHarness(emulators.firestoreHost(),
        emulators.pubsubHost(), emulators.newProjectId(), false)) {
      h.watch("bench", POLICY);
      List<Long> latencies = new ArrayList<>();
      for (int i = 0; i < ALERTS; i++) {
        String id = h.publishBuild("bench");
        h.await(id, RolloutState.CANARY, Duration.ofSeconds(30));
        Instant published = Instant.now();
        h.publishIncident("bench", id, true);
        Instant rollback = awaitRollbackCall(h, id, published);
        latencies.add(Duration.between(published, rollback).toNanos());
        h.await(id, RolloutState.ROLLED_BACK, Duration.ofSeconds(30));
      }
      List<Long> sorted = latencies.stream().sorted().toList();
      out.add("alert published -> rollback UpdateService issued, " + ALERTS + " alerts: p50 "
          + ms(percentile(sorted, 0.50)) + " ms, p99 " + ms(percentile(sorted, 0.99))
          + " ms, min " + ms(sorted.get(0)) + " ms, max " + ms(sorted.get(sorted.size() - 1))
          + " ms");
    }
  }

  private static Instant awaitRollbackCall(EndToEndHarness h, String candidate, Instant after)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (RecordedCall c : h.plane.cloudRun().calls().of("UpdateService")) {
        if (c.at().isBefore(after)) {
          continue;
        }
        UpdateServiceRequest req = (UpdateServiceRequest) c.request();
        boolean candidateAtZero = req.getService().getTrafficList().stream()
            .filter(t -> t.getRevision().endsWith(candidate))
            .mapToInt(TrafficTarget::getPercent).sum() == 0;
        if (req.getService().getName().endsWith("/services/bench") && candidateAtZero) {
          return c.at();
        }
      }
      Thread.sleep(2);
    }
    throw new AssertionError("no rollback UpdateService for " + candidate + " within 30 s");
  }

  static long percentile(List<Long> sorted, double q) {
    int i = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  private static String ms(long nanos) {
    return String.format("%.1f", nanos / 1e6);
  }

  private FunctionsBench() {}
}
