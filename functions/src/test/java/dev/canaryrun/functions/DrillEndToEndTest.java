package dev.canaryrun.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.monitoring.v3.AlertPolicyServiceClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.monitoring.v3.AlertPolicy;
import com.google.protobuf.BoolValue;
import com.google.pubsub.v1.PushConfig;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.SubscriptionName;
import dev.canaryrun.fixtures.emulator.EmulatorEnvironment;
import dev.canaryrun.fixtures.emulator.WithEmulators;
import dev.canaryrun.gcp.monitoring.MonitoringClients;
import dev.canaryrun.gcp.store.FirestoreDrillReports;
import dev.canaryrun.report.DrillReport;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Drill;
import dev.canaryrun.rollout.DrillCheck;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutIds;
import dev.canaryrun.rollout.RolloutState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Rollback drills end to end (README "Rollback drills"), through the real functions on the
 * Firestore and Pub/Sub emulators and the local Cloud Run and Monitoring, every message
 * delivered twice: a drill command rolls the stable image out as a drill revision, Cloud Run
 * confirms its first step, the drill incident goes out on canaryrun-alerts and OnAlertFired
 * rolls it back; the report's figures come from the drill rollout and Cloud Run's state.
 */
@WithEmulators
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DrillEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private EndToEndHarness h;
  private FirestoreDrillReports reports;
  private String channel;

  @BeforeAll
  void start(EmulatorEnvironment env) throws Exception {
    h = new EndToEndHarness(env.firestoreHost(), env.pubsubHost(), env.projectId(), true);
    channel = "projects/" + env.projectId() + "/notificationChannels/4711";
    // Read by each function when it builds its controller, on its first event.
    FunctionEnvironment.override(Map.of(Env.ALERT_CHANNEL, channel));
    h.tickEvery(Duration.ofSeconds(1));
    reports = new FirestoreDrillReports(h.db);
    try (SubscriptionAdminClient subs = h.pubsub.subscriptionAdmin()) {
      subs.createSubscription(SubscriptionName.of(env.projectId(), "events-drill-test")
          .toString(), h.pubsub.topic("canaryrun-events").toString(),
          PushConfig.getDefaultInstance(), 60);
    }
  }

  @AfterAll
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  /** The service's two alert policies as the Terraform module creates them. */
  private void alertPolicies(String service) throws Exception {
    try (AlertPolicyServiceClient client =
        MonitoringClients.alertPolicies(Optional.of(h.plane.endpoint()))) {
      for (String what : List.of("5xx ratio per revision", "p99 latency per revision")) {
        client.createAlertPolicy("projects/" + h.project, AlertPolicy.newBuilder()
            .setDisplayName("canaryrun " + service + ": " + what)
            .putUserLabels("canaryrun-service", service)
            .setEnabled(BoolValue.of(true))
            .addNotificationChannels(channel).build());
      }
    }
  }

  private String publishDrill(String service) throws Exception {
    return h.publishCommand(service, "drill", null);
  }

  private DrillReport awaitReport(String drillId) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<DrillReport> r = reports.find(drillId);
      if (r.isPresent()) {
        return r.get();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no drill report for " + drillId + "; rollout: "
        + h.rollout(drillId).map(r -> r.state() + " (" + r.reason() + ")").orElse("absent"));
  }

  @Test
  void aDrillRollsTheStableImageOutAndBackThroughTheRealAlertPathAndReports() throws Exception {
    String stable = h.watch("drilled", FunctionsEndToEndTest.POLICY);
    alertPolicies("drilled");
    String drillId = RolloutIds.forDrill("drilled", "command:" + publishDrill("drilled"));

    DrillReport report = awaitReport(drillId);
    System.out.println(String.join("\n", report.lines()));
    assertEquals(DrillReport.Outcome.PASSED, report.outcome(), report.summary());
    assertEquals(List.of(DrillReport.PERMISSIONS, DrillReport.ALERT_POLICIES, DrillReport.DEPLOY,
        DrillReport.SMOKE, DrillReport.FIRST_STEP, DrillReport.ALERT_PATH, DrillReport.ZERO),
        report.checks().stream().map(DrillCheck::name).toList());
    assertTrue(report.checks().stream().allMatch(DrillCheck::passed), report.lines().toString());
    // alert published -> rollback decided -> 0% served, in order, from Cloud Run's state
    assertNotNull(report.alertToZeroMillis());
    assertTrue(report.alertToDecisionMillis() >= 0, report.summary());
    assertTrue(report.alertToZeroMillis() >= report.alertToDecisionMillis(), report.summary());
    assertTrue(report.alertToZeroMillis() < 10_000, report.summary());

    Rollout drill = h.rollout(drillId).orElseThrow();
    assertEquals(RolloutState.ROLLED_BACK, drill.state());
    assertEquals(stable, drill.drill().stableRevision());
    assertEquals(stable, report.stableRevision());
    // identical code: the drill revision runs the stable revision's image
    String prefix = "projects/" + h.project + "/locations/" + EndToEndHarness.REGION
        + "/services/drilled/revisions/";
    assertEquals(h.plane.cloudRun().getRevision(prefix + stable).orElseThrow()
        .getContainers(0).getImage(), h.plane.cloudRun().getRevision(prefix + drillId)
        .orElseThrow().getContainers(0).getImage());
    // audited like any rollout, the rollback by the drill incident through OnAlertFired
    List<AuditEntry> trail = h.store.audit(drillId);
    assertTrue(trail.stream().anyMatch(a -> a.eventType().equals("AlertFired")
        && a.actor().equals(Drill.ACTOR) && a.to() == RolloutState.ROLLING_BACK),
        trail.toString());
    assertTrue(trail.stream().anyMatch(a -> a.endsRollback() && a.report() != null));
    // the report is a lifecycle event too, marked as a drill
    assertTrue(events().stream().anyMatch(m -> m.getMessage().getAttributesMap().get("type")
        .equals("DRILL_REPORTED") && m.getMessage().getData().toStringUtf8()
        .contains("\"alertToZeroMillis\":" + report.alertToZeroMillis())), "DRILL_REPORTED");
    // Cloud Run serves the stable revision alone again
    assertEquals(0, h.plane.cloudRun().getService("projects/" + h.project + "/locations/"
        + EndToEndHarness.REGION + "/services/drilled").orElseThrow().getTrafficStatusesList()
        .stream().filter(t -> t.getRevision().endsWith(drillId)).mapToInt(t -> t.getPercent())
        .sum());
  }

  @Test
  void aDrillIsRefusedWhileARealRolloutIsInFlight() throws Exception {
    h.watch("busy", FunctionsEndToEndTest.POLICY);
    alertPolicies("busy");
    String release = h.publishBuild("busy");
    h.await(release, RolloutState.CANARY, WAIT);
    String messageId = publishDrill("busy");
    String cause = "command:" + messageId;
    AuditEntry refusal = awaitEntry(release, cause);
    assertEquals("Command.DRILL", refusal.eventType());
    assertTrue(refusal.message().contains("a drill never starts while a rollout is in flight: "
        + release + " is CANARY"), refusal.message());
    String drillId = RolloutIds.forDrill("busy", cause);
    DrillReport refused = awaitReport(drillId); // what `canaryrun drill` waits for and prints
    assertEquals(DrillReport.Outcome.REFUSED, refused.outcome());
    assertTrue(refused.summary().contains("a drill never starts while a rollout is in flight"),
        refused.summary());
    Thread.sleep(1000); // the second delivery of the command changes nothing
    assertTrue(h.rollout(drillId).isEmpty(), "no drill rollout");
    assertTrue(h.plane.cloudRun().getRevision("projects/" + h.project + "/locations/"
        + EndToEndHarness.REGION + "/services/busy/revisions/" + drillId).isEmpty(),
        "no drill revision was deployed");
    assertEquals(RolloutState.CANARY, h.rollout(release).orElseThrow().state());
  }

  @Test
  void aRealBuildSupersedesADrillAndItsLateIncidentTouchesNothing() throws Exception {
    h.watch("overtaken", FunctionsEndToEndTest.POLICY);
    alertPolicies("overtaken");
    // OnAlertFired is "slow": the drill incident waits in its subscription, so the drill is
    // still at its first step when the real build arrives.
    h.holdDeliveries("canaryrun-alerts");
    String drillId;
    String release;
    try {
      drillId = RolloutIds.forDrill("overtaken", "command:" + publishDrill("overtaken"));
      Rollout atStep = h.await(drillId, RolloutState.CANARY, WAIT);
      assertEquals(10, atStep.traffic().candidatePercent());
      release = h.publishBuild("overtaken");
      Rollout superseded = h.await(drillId, RolloutState.SUPERSEDED, WAIT);
      assertEquals(0, superseded.traffic().candidatePercent());
      assertTrue(superseded.reason().contains(release), superseded.reason());
      h.await(release, RolloutState.CANARY, WAIT);
    } finally {
      h.resumeDeliveries("canaryrun-alerts");
    }
    DrillReport report = awaitReport(drillId);
    System.out.println(String.join("\n", report.lines()));
    assertEquals(DrillReport.Outcome.SUPERSEDED, report.outcome());
    assertTrue(report.checks().stream().filter(c -> c.name().equals(DrillReport.FIRST_STEP))
        .allMatch(DrillCheck::passed));
    // The drill incident now reaches OnAlertFired: it must not roll the real release back.
    Instant until = Instant.now().plusSeconds(3);
    while (Instant.now().isBefore(until)) {
      assertFalse(h.rollout(release).orElseThrow().state() == RolloutState.ROLLING_BACK
          || h.rollout(release).orElseThrow().state() == RolloutState.ROLLED_BACK,
          "the drill incident rolled back a real release");
      Thread.sleep(100);
    }
    assertTrue(h.store.audit(release).stream().noneMatch(a -> a.eventType().equals("AlertFired")));
  }

  @Test
  void theWeeklyJobsMessageOnTheTicksTopicRunsTheSameDrill() throws Exception {
    h.watch("weekly", FunctionsEndToEndTest.POLICY);
    alertPolicies("weekly");
    // What the Terraform module's canaryrun-drill-weekly job publishes (scheduler.tf).
    String messageId = h.publish("canaryrun-ticks",
        "{\"drill\": {\"service\": \"weekly\", \"windowMinutes\": 120}}", Map.of());
    DrillReport report = awaitReport(RolloutIds.forDrill("weekly", "tick:" + messageId));
    assertEquals(DrillReport.Outcome.PASSED, report.outcome(), report.summary());
    assertEquals("cloud-scheduler", report.requestedBy());
  }

  @Test
  void aMissingPermissionFailsTheDrillsPermissionsCheck() throws Exception {
    h.watch("locked", FunctionsEndToEndTest.POLICY);
    alertPolicies("locked");
    h.plane.iam().deny("projects/" + h.project + "/locations/" + EndToEndHarness.REGION
        + "/services/locked", "run.services.update");
    String drillId = RolloutIds.forDrill("locked", "command:" + publishDrill("locked"));
    DrillReport report = awaitReport(drillId);
    assertEquals(DrillReport.Outcome.FAILED, report.outcome());
    DrillCheck permissions = report.checks().get(0);
    assertEquals(DrillReport.PERMISSIONS, permissions.name());
    assertFalse(permissions.passed());
    assertTrue(permissions.detail().contains("run.services.update"), permissions.detail());
  }

  private AuditEntry awaitEntry(String rolloutId, String cause) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<AuditEntry> e = h.store.audit(rolloutId).stream()
          .filter(a -> a.cause().equals(cause)).findFirst();
      if (e.isPresent()) {
        return e.get();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no audit entry caused by " + cause + " on " + rolloutId);
  }

  private List<ReceivedMessage> events() throws Exception {
    try (SubscriptionAdminClient subs = h.pubsub.subscriptionAdmin()) {
      return subs.pull(SubscriptionName.of(h.project, "events-drill-test").toString(), 1000)
          .getReceivedMessagesList();
    }
  }
}
