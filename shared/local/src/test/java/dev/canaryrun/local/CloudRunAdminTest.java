package dev.canaryrun.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.gax.rpc.AbortedException;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.InvalidArgumentException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.ListServicesRequest;
import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.RevisionsClient;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetAllocationType;
import com.google.cloud.run.v2.TrafficTargetStatus;
import com.google.cloud.run.v2.UpdateServiceRequest;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cloud Run Admin v2 through the real ServicesClient / RevisionsClient. */
class CloudRunAdminTest {

  static final String PARENT = "projects/p1/locations/europe-west1";
  static final TrafficTargetAllocationType REVISION =
      TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION;
  static final TrafficTargetAllocationType LATEST =
      TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST;

  static LocalControlPlane plane;
  static ServicesClient services;
  static RevisionsClient revisions;

  @BeforeAll
  static void start() {
    plane = LocalControlPlane.start(0);
    services = TestClients.services(plane.endpoint());
    revisions = TestClients.revisions(plane.endpoint());
  }

  @AfterAll
  static void stop() {
    services.close();
    revisions.close();
    plane.close();
  }

  @BeforeEach
  void reset() {
    plane.cloudRun().faults().clear();
    plane.cloudRun().calls().clear();
  }

  static Service withImage(String image) {
    return Service.newBuilder().setTemplate(RevisionTemplate.newBuilder()
        .addContainers(Container.newBuilder().setImage(image))).build();
  }

  static TrafficTarget target(String revision, int percent, String tag) {
    return TrafficTarget.newBuilder().setType(REVISION).setRevision(revision)
        .setPercent(percent).setTag(tag).build();
  }

  @Test
  void createThenGetThroughLongRunningOperation() throws Exception {
    Service created = services.createServiceAsync(PARENT, withImage("localhost/demo/a:v1"),
        "create-get").get();

    assertEquals(PARENT + "/services/create-get", created.getName());
    assertEquals(1, created.getGeneration());
    assertFalse(created.getEtag().isEmpty());
    assertTrue(created.getUri().startsWith("http://127.0.0.1:"));
    assertEquals(List.of(created.getUri()), created.getUrlsList());
    String latest = created.getLatestReadyRevision();
    assertTrue(latest.startsWith(created.getName() + "/revisions/create-get-00001-"), latest);
    assertEquals(1, created.getTrafficStatusesCount());
    assertEquals(LATEST, created.getTrafficStatuses(0).getType());
    assertEquals(100, created.getTrafficStatuses(0).getPercent());

    assertEquals(created, services.getService(created.getName()));
    Revision revision = revisions.getRevision(latest);
    assertEquals("localhost/demo/a:v1", revision.getContainers(0).getImage());
    assertEquals(created.getName(), revision.getService());
  }

  @Test
  void updateCreatesNamedRevisionSplitsTrafficAndTags() throws Exception {
    Service v1 = services.createServiceAsync(PARENT, withImage("localhost/demo/b:v1"), "split")
        .get();
    String stable = RunNames.shortName(v1.getLatestReadyRevision());

    Service desired = v1.toBuilder()
        .setTemplate(v1.getTemplate().toBuilder().setRevision("split-v2")
            .setContainers(0, Container.newBuilder().setImage("localhost/demo/b:v2")))
        .clearTraffic()
        .addTraffic(target(stable, 80, ""))
        .addTraffic(target("split-v2", 20, "canary"))
        .build();
    Service v2 = services.updateServiceAsync(desired).get();

    assertEquals(2, v2.getGeneration());
    assertFalse(v2.getEtag().equals(v1.getEtag()));
    assertEquals(PARENT + "/services/split/revisions/split-v2", v2.getLatestCreatedRevision());
    TrafficTargetStatus canary = v2.getTrafficStatusesList().stream()
        .filter(s -> s.getTag().equals("canary")).findFirst().orElseThrow();
    assertEquals("split-v2", canary.getRevision());
    assertEquals(20, canary.getPercent());
    assertTrue(canary.getUri().startsWith("http://127.0.0.1:"), canary.getUri());
    assertEquals(2, revisions.listRevisions(v1.getName()).getPage().getResponse()
        .getRevisionsCount());

    // Same template, traffic only: no new revision; the tag keeps its URL.
    Service v3 = services.updateServiceAsync(v2.toBuilder().clearTraffic()
        .addTraffic(target(stable, 50, "")).addTraffic(target("split-v2", 50, "canary"))
        .build()).get();
    assertEquals(2, plane.cloudRun().revisions(v1.getName()).size());
    assertEquals(canary.getUri(), v3.getTrafficStatusesList().stream()
        .filter(s -> s.getTag().equals("canary")).findFirst().orElseThrow().getUri());
  }

  @Test
  void staleEtagIsAborted() throws Exception {
    Service v1 = services.createServiceAsync(PARENT, withImage("localhost/demo/c:v1"), "etag")
        .get();
    services.updateServiceAsync(v1.toBuilder().putLabels("team", "a").build()).get();

    ExecutionException e = assertThrows(ExecutionException.class,
        () -> services.updateServiceAsync(v1.toBuilder().putLabels("team", "b").build()).get());
    AbortedException aborted = assertInstanceOf(AbortedException.class, e.getCause());
    assertTrue(aborted.getMessage().contains("etag mismatch"), aborted.getMessage());
  }

  @Test
  void concurrentWriterMakesTheNextUpdateAbort() throws Exception {
    Service v1 = services.createServiceAsync(PARENT, withImage("localhost/demo/d:v1"), "race")
        .get();
    plane.cloudRun().concurrentUpdateBeforeNext(1);

    ExecutionException e = assertThrows(ExecutionException.class,
        () -> services.updateServiceAsync(v1).get());
    assertInstanceOf(AbortedException.class, e.getCause());

    Service fresh = services.getService(v1.getName());
    Service updated = services.updateServiceAsync(fresh).get(); // re-read, retry: succeeds
    assertEquals(fresh.getGeneration() + 1, updated.getGeneration());
  }

  @Test
  void invalidTrafficIsRejectedWithAClearMessage() throws Exception {
    Service v1 = services.createServiceAsync(PARENT, withImage("localhost/demo/e:v1"), "bad")
        .get();
    String rev = RunNames.shortName(v1.getLatestReadyRevision());

    assertInvalid(v1.toBuilder().clearTraffic().addTraffic(target(rev, 90, "")).build(),
        "sum to 100, got 90");
    assertInvalid(v1.toBuilder().clearTraffic().addTraffic(target(rev, 50, ""))
        .addTraffic(target("bad-nope", 50, "")).build(), "'bad-nope' does not exist");
    assertInvalid(v1.toBuilder().clearTraffic().addTraffic(target(rev, 100, "x"))
        .addTraffic(target(rev, 0, "x")).build(), "tag 'x' is used more than once");
    assertInvalid(v1.toBuilder().setTemplate(v1.getTemplate().toBuilder()
        .setRevision("other-v2")).build(), "must be prefixed by the service name");
  }

  private static void assertInvalid(Service s, String expected) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> services.updateServiceAsync(s).get());
    InvalidArgumentException invalid = assertInstanceOf(InvalidArgumentException.class,
        e.getCause());
    assertTrue(invalid.getMessage().contains(expected), invalid.getMessage());
  }

  @Test
  void injectedUnavailableReachesTheClient() throws Exception {
    Service v1 = services.createServiceAsync(PARENT, withImage("localhost/demo/f:v1"), "flaky")
        .get();
    plane.cloudRun().faults().failNext("UpdateService", 1,
        Status.UNAVAILABLE.withDescription("injected"));

    ExecutionException e = assertThrows(ExecutionException.class,
        () -> services.updateServiceAsync(v1).get());
    ApiException api = assertInstanceOf(ApiException.class, e.getCause());
    assertEquals(StatusCode.Code.UNAVAILABLE, api.getStatusCode().getCode());
    assertEquals(1, v1.getGeneration(), "a failed call never reaches the state");
    assertEquals(1, services.getService(v1.getName()).getGeneration());

    // GetService is retried by the client on UNAVAILABLE: one failure is invisible,
    // but the journal shows both attempts.
    plane.cloudRun().calls().clear();
    plane.cloudRun().faults().failNext("GetService", 1, Status.UNAVAILABLE);
    assertEquals(v1.getName(), services.getService(v1.getName()).getName());
    assertEquals(2, plane.cloudRun().calls().count("GetService"));
  }

  @Test
  void recordsRequests() throws Exception {
    Service v1 = services.createServiceAsync(PARENT, withImage("localhost/demo/g:v1"), "rec")
        .get();
    services.updateServiceAsync(v1.toBuilder().putLabels("k", "v").build()).get();

    List<UpdateServiceRequest> updates =
        plane.cloudRun().calls().requests("UpdateService", UpdateServiceRequest.class);
    assertEquals(1, updates.size());
    assertEquals("v", updates.get(0).getService().getLabelsMap().get("k"));
    assertEquals(v1.getEtag(), updates.get(0).getService().getEtag());
  }

  @Test
  void listServicesPages() throws Exception {
    String parent = "projects/paging/locations/us-east1";
    for (String id : List.of("s1", "s2", "s3")) {
      plane.cloudRun().createService(parent, id, "localhost/demo/" + id + ":v1");
    }
    var first = services.listServices(
        ListServicesRequest.newBuilder().setParent(parent).setPageSize(2).build());
    assertEquals(2, first.getPage().getPageElementCount());
    assertFalse(first.getPage().getNextPageToken().isEmpty());
    List<String> names = new java.util.ArrayList<>();
    first.iterateAll().forEach(s -> names.add(RunNames.shortName(s.getName())));
    assertEquals(List.of("s1", "s2", "s3"), names);
  }

  @Test
  void operationPollingCompletesWhenDone() throws Exception {
    Service v1 = services.createServiceAsync(PARENT, withImage("localhost/demo/h:v1"), "poll")
        .get();
    plane.cloudRun().setOperationDelay(java.time.Duration.ofMillis(200));
    try {
      var future = services.updateServiceAsync(v1.toBuilder().putLabels("p", "1").build());
      assertFalse(future.getInitialFuture().get().isDone());
      assertEquals("1", future.get().getLabelsMap().get("p"));
      assertTrue(plane.cloudRun().calls().count("GetOperation") >= 1);
    } finally {
      plane.cloudRun().setOperationDelay(java.time.Duration.ZERO);
    }
  }
}
