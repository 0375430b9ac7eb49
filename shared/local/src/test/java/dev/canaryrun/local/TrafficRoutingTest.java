package dev.canaryrun.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetAllocationType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real HTTP through the weighted router. */
class TrafficRoutingTest {

  static final String PARENT = "projects/p2/locations/us-central1";
  static LocalControlPlane plane;
  static HttpClient http;
  static ExecutorService pool;

  @BeforeAll
  static void start() {
    plane = LocalControlPlane.start(0);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    pool = Executors.newFixedThreadPool(16);
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
    plane.close();
  }

  /** Creates {@code id} on v1, deploys v2 as {@code id-v2} with the given split and tag. */
  static Service twoRevisions(String id, String v2Image, int v2Percent) {
    LocalCloudRun run = plane.cloudRun();
    Service v1 = run.createService(PARENT, id, "localhost/demo/" + id + ":v1");
    String stable = RunNames.shortName(v1.getLatestReadyRevision());
    return run.updateService(v1.toBuilder()
        .setTemplate(v1.getTemplate().toBuilder().setRevision(id + "-v2")
            .setContainers(0, Container.newBuilder().setImage(v2Image)))
        .clearTraffic()
        .addTraffic(TrafficTarget.newBuilder()
            .setType(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION)
            .setRevision(stable).setPercent(100 - v2Percent).setTag("stable"))
        .addTraffic(TrafficTarget.newBuilder()
            .setType(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION)
            .setRevision(id + "-v2").setPercent(v2Percent).setTag("canary"))
        .build());
  }

  /** Sends n GETs concurrently; counts (revision header + " " + status). */
  static Map<String, Integer> send(URI uri, int n) throws Exception {
    Map<String, Integer> counts = new ConcurrentHashMap<>();
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(pool.submit(() -> {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri.resolve("/checkout"))
            .build(), HttpResponse.BodyHandlers.ofString());
        String revision = r.headers().firstValue(RevisionServer.REVISION_HEADER).orElse("?");
        counts.merge(revision + " " + r.statusCode(), 1, Integer::sum);
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    return counts;
  }

  @Test
  void splitIsHonouredWithinFourSigma() throws Exception {
    Service s = twoRevisions("weighted", "localhost/demo/weighted:v2", 20);
    int n = 2000;
    Map<String, Integer> counts = send(URI.create(s.getUri()), n);

    int canary = counts.getOrDefault("weighted-v2 200", 0);
    int total = counts.values().stream().mapToInt(Integer::intValue).sum();
    assertEquals(n, total, counts.toString());
    double sigma = Math.sqrt(n * 0.2 * 0.8);
    assertTrue(Math.abs(canary - 0.2 * n) < 4 * sigma,
        "canary got " + canary + " of " + n + ", expected 400 +- " + 4 * sigma + ": " + counts);
  }

  @Test
  void tagsRouteToTheirRevisionOnly() throws Exception {
    Service s = twoRevisions("tagged", "localhost/demo/tagged:v2", 0);
    URI canary = plane.cloudRun().tagUri(s.getName(), "canary").orElseThrow();

    assertEquals(Map.of("tagged-v2 200", 50), send(canary, 50));
    // 0% on the main URL: none of the untagged traffic reaches the canary.
    Map<String, Integer> main = send(URI.create(s.getUri()), 50);
    assertEquals(1, main.size(), main.toString());
    assertTrue(main.keySet().iterator().next().startsWith("tagged-00001-"), main.toString());
  }

  @Test
  void imageConventionAndOverrideDriveResponses() throws Exception {
    Service s = twoRevisions("faulty", "localhost/demo/faulty:v2-err1.0", 0);
    URI canary = plane.cloudRun().tagUri(s.getName(), "canary").orElseThrow();
    assertEquals(Map.of("faulty-v2 500", 20), send(canary, 20));

    plane.cloudRun().setBehaviour("faulty-v2", Behaviour.healthy());
    assertEquals(Map.of("faulty-v2 200", 20), send(canary, 20));

    plane.cloudRun().setBehaviour("faulty-v2", Behaviour.healthy().withLatency(60, 0));
    long started = System.nanoTime();
    send(canary, 1);
    assertTrue((System.nanoTime() - started) / 1e6 >= 60, "latency applied");
    plane.cloudRun().clearBehaviour("faulty-v2");
    assertEquals(Map.of("faulty-v2 500", 5), send(canary, 5));
  }

  @Test
  void everyRoutedRequestIsRecorded() throws Exception {
    Service s = twoRevisions("counted", "localhost/demo/counted:v2-err0.5", 50);
    int before = plane.store().requests().size();
    AtomicInteger errors = new AtomicInteger();
    send(URI.create(s.getUri()), 200).forEach((k, v) -> {
      if (k.endsWith(" 500")) {
        errors.addAndGet(v);
      }
    });
    List<RequestRecord> recorded = plane.store().requests();
    assertEquals(200, recorded.size() - before);
    assertEquals(errors.get(), recorded.subList(before, recorded.size()).stream()
        .filter(r -> r.statusCode() == 500).count());
  }
}
