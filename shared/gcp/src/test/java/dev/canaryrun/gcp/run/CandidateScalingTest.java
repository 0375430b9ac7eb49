package dev.canaryrun.gcp.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.gax.rpc.InvalidArgumentException;
import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.RevisionScaling;
import com.google.cloud.run.v2.Service;
import dev.canaryrun.local.LocalCloudRun;
import dev.canaryrun.local.LocalControlPlane;
import dev.canaryrun.policy.CandidateScaling;
import dev.canaryrun.port.TrafficRouter.Deployment;
import dev.canaryrun.rollout.Effect.DeployRevision;
import dev.canaryrun.rollout.Effect.SetTraffic;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The policy's candidate scaling, through the real Cloud Run client against the local Cloud
 * Run: set on the revision canaryrun creates and on nothing else, kept by the revision for
 * life (revisions are immutable), its minimum provisioned while the revision is in the split
 * or tagged, as Cloud Run documents.
 */
class CandidateScalingTest {
  static final String PROJECT = "local-project";
  static final String REGION = "europe-west1";
  static final String PARENT = "projects/" + PROJECT + "/locations/" + REGION;
  static final String TAG = "canary";

  static LocalControlPlane plane;
  static CloudRunClients clients;
  static CloudRunTrafficRouter router;

  LocalCloudRun run;
  String service;
  String serviceName;
  String stable;

  @BeforeAll
  static void start() {
    plane = LocalControlPlane.start(0);
    clients = CloudRunClients.create(Optional.of(plane.endpoint()),
        new CloudRunClients.Limits(Duration.ofSeconds(5), 3, Duration.ofSeconds(4)));
    router = new CloudRunTrafficRouter(clients, PROJECT);
  }

  @AfterAll
  static void stop() {
    clients.close();
    plane.close();
  }

  @BeforeEach
  void createService() {
    run = plane.cloudRun();
    service = "scale-" + UUID.randomUUID().toString().substring(0, 8);
    Service created = run.createService(PARENT, service, "localhost/demo/app:v1");
    serviceName = created.getName();
    stable = created.getLatestReadyRevision().substring(
        created.getLatestReadyRevision().lastIndexOf('/') + 1);
  }

  private long starts(String revision) {
    return plane.monitoring().store().starts().stream()
        .filter(s -> s.resource().service().equals(service)
            && s.resource().revision().equals(revision)).count();
  }

  private Revision revision(String name) {
    return clients.revisions().getRevision(serviceName + "/revisions/" + name);
  }

  @Test
  void theCandidateGetsThePolicysScalingAndTheStableKeepsItsOwn() {
    String candidate = service + "-v2";
    Deployment d = router.deploy(new DeployRevision(service, REGION, "localhost/demo/app:v2",
        candidate, TAG, false, new CandidateScaling(1, 3)));

    Revision c = revision(candidate);
    assertEquals(RevisionScaling.newBuilder().setMinInstanceCount(1).setMaxInstanceCount(3)
        .build(), c.getScaling());
    assertEquals(1, c.getScalingStatus().getDesiredMinInstanceCount(),
        "tagged at 0%: its minimum instance is started and kept warm");
    assertEquals(1, starts(candidate), "started at deploy, before any request: not cold later");
    assertEquals(0, revision(stable).getScaling().getMinInstanceCount(), "stable untouched");
    assertEquals(0, revision(stable).getScaling().getMaxInstanceCount());
    assertEquals("candidate scaling min 1, max 3 instances set on " + candidate
        + " (stable: min 0, max 100 (Cloud Run's default))", d.scaling());

    // Promotion cannot take it off: Cloud Run applies revision-level scaling when a revision
    // is deployed, and a revision never changes.
    router.setTraffic(new SetTraffic(service, REGION, stable, candidate, TAG, 100));
    assertEquals(3, revision(candidate).getScaling().getMaxInstanceCount());
    assertEquals(1, revision(candidate).getScalingStatus().getDesiredMinInstanceCount());

    // A redelivered deploy finds the revision as it made it, and says so.
    Deployment again = router.deploy(new DeployRevision(service, REGION,
        "localhost/demo/app:v2", candidate, TAG, false, new CandidateScaling(1, 3)));
    assertEquals("candidate scaling min 1, max 3 instances set on " + candidate,
        again.scaling());
  }

  @Test
  void aRevisionSomeoneElseDeployedKeepsItsScalingAndTheAuditSaysWhy() {
    Service s = run.getService(serviceName).orElseThrow();
    run.updateService(s.toBuilder().setTemplate(s.getTemplate().toBuilder()
        .setRevision(service + "-byhand")
        .setContainers(0, s.getTemplate().getContainers(0).toBuilder()
            .setImage("localhost/demo/app:v3"))).build());
    Deployment d = router.deploy(new DeployRevision(service, REGION, null, service + "-byhand",
        TAG, true, new CandidateScaling(2, null)));

    assertEquals(0, revision(service + "-byhand").getScaling().getMinInstanceCount());
    assertTrue(d.scaling().startsWith("candidate scaling min 2 instances not applied: "
        + service + "-byhand already existed with min 0, max 100"), d.scaling());
    assertTrue(d.scaling().endsWith("cannot change after it is deployed"), d.scaling());
  }

  @Test
  void theMinimumRunsOnlyWhileTheRevisionIsInTheSplitOrTaggedAndBadCountsAreRefused() {
    String candidate = service + "-v2";
    router.deploy(new DeployRevision(service, REGION, "localhost/demo/app:v2", candidate, TAG,
        false, new CandidateScaling(2, null)));
    assertEquals(2, revision(candidate).getScalingStatus().getDesiredMinInstanceCount());
    assertEquals(2, starts(candidate));
    // The next candidate starts from the stable revision's scaling, not from the last
    // candidate's that the service's template still carries; without a minimum it starts its
    // first instance on its first request (cold).
    String plain = service + "-v3";
    router.deploy(new DeployRevision(service, REGION, "localhost/demo/app:v3", plain, "plain",
        false));
    assertEquals(0, revision(plain).getScaling().getMinInstanceCount());
    assertEquals(0, starts(plain));

    // Out of the split and untagged (the next rollout moved the tag): nothing provisioned.
    Service s = run.getService(serviceName).orElseThrow();
    run.updateService(s.toBuilder().clearTraffic().addTraffic(TrafficPlan.target(stable, 100,
        "")).build());
    assertEquals(0, revision(candidate).getScalingStatus().getDesiredMinInstanceCount());
    assertEquals(2, revision(candidate).getScaling().getMinInstanceCount(), "still its setting");

    // Cloud Run refuses a minimum above the maximum; nothing is created.
    Service now = run.getService(serviceName).orElseThrow();
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> clients.services().updateServiceAsync(now.toBuilder().setTemplate(now.getTemplate()
            .toBuilder().setRevision(service + "-bad").setScaling(RevisionScaling.newBuilder()
                .setMinInstanceCount(5).setMaxInstanceCount(2))).build()).get());
    assertTrue(e.getCause() instanceof InvalidArgumentException, String.valueOf(e.getCause()));
    assertTrue(e.getCause().getMessage().contains("must not be greater than max_instance_count"),
        e.getCause().getMessage());
    assertTrue(run.revisions(serviceName).stream().noneMatch(r -> r.getName().endsWith("-bad")));
  }
}
