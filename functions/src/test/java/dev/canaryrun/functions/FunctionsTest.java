package dev.canaryrun.functions;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.fixtures.Fixtures;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.NotificationType;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutState;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The four functions on the fixtures, as real CloudEvents, over in-memory ports. */
class FunctionsTest {
  private final FunctionHarness h = new FunctionHarness();
  private final LogCapture log = new LogCapture();

  @AfterEach
  void stopCapture() {
    log.close();
  }

  private Rollout rollout() {
    return h.store.find(Fixtures.ROLLOUT_ID).orElseThrow();
  }

  private List<AuditEntry> audit() {
    return h.store.audit(Fixtures.ROLLOUT_ID);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private void assertOneErrorNaming(String problem) {
    List<LogRecord> errors = log.at(Level.SEVERE);
    assertEquals(1, errors.size(), "exactly one ERROR line: " + errors.stream()
        .map(LogRecord::getMessage).toList());
    assertTrue(errors.get(0).getMessage().contains(problem), errors.get(0).getMessage());
    assertTrue(LogCapture.fields(errors.get(0)).containsKey("eventId"));
  }

  // ---- builds ------------------------------------------------------------------------------

  @Test
  void successfulBuildStartsARolloutOfTheDigestAtTheFirstStep() {
    h.startRollout();
    Rollout r = rollout();
    assertEquals(RolloutState.CANARY, r.state());
    assertEquals(Fixtures.IMAGE, r.image());
    assertEquals(Fixtures.REGION, r.region());
    assertEquals(5, r.traffic().candidatePercent());
    assertTrue(r.traffic().applied());
    assertEquals(List.of(5), h.trafficCalls.stream().map(t -> t.candidatePercent()).toList());
  }

  @Test
  void aRedeliveredBuildChangesNothing() {
    h.clock.set(Fixtures.BUILD_FINISHED.plusSeconds(30));
    CloudEvent e = h.build("cloudbuild/build-success.json");
    h.onBuild.accept(e);
    int saves = h.store.saveCount();
    int audits = audit().size();
    h.onBuild.accept(e);
    assertEquals(saves, h.store.saveCount());
    assertEquals(audits, audit().size());
    assertEquals(1, h.trafficCalls.size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"cloudbuild/build-working.json", "cloudbuild/build-failure.json",
      "cloudbuild/build-success-unwatched-no-service.json"})
  void otherBuildsAreIgnoredWithALogLine(String fixture) {
    h.onBuild.accept(h.build(fixture));
    assertEquals(0, h.store.saveCount());
    assertTrue(log.at(Level.INFO).stream().anyMatch(r -> r.getMessage().contains("ignored")));
    assertTrue(log.at(Level.SEVERE).isEmpty());
  }

  @Test
  void aBuildOfAServiceCanaryrunDoesNotWatchIsIgnored() {
    String json = Fixtures.edit("cloudbuild/build-success.json")
        .set("/substitutions/_SERVICE_NAME", "billing").text();
    h.onBuild.accept(h.event(utf8(json), Map.of()));
    assertEquals(0, h.store.saveCount());
    assertTrue(log.records().stream().anyMatch(r -> r.getMessage().contains("not watched")));
  }

  @Test
  void aStaleBuildIsDroppedWithALogLine() {
    h.clock.set(Fixtures.BUILD_FINISHED.plus(Duration.ofDays(400)));
    h.onBuild.accept(h.build("cloudbuild/build-success.json"));
    assertEquals(0, h.store.saveCount());
    assertTrue(log.records().stream().anyMatch(r -> r.getMessage().contains("s old")));
  }

  @Test
  void aSuccessfulBuildWithoutDigestIsAckedWithOneError() {
    h.onBuild.accept(h.build("cloudbuild/build-success-no-digest.json"));
    assertEquals(0, h.store.saveCount());
    assertOneErrorNaming("no image digest");
  }

  // ---- bad envelopes -----------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"pubsub/bad-data-not-base64.json", "pubsub/bad-not-a-message.json",
      "pubsub/bad-not-json.txt"})
  void malformedEnvelopesAreAckedWithOneErrorAndNoTrace(String fixture) {
    for (PubSubFunction f : List.of(h.onBuild, h.onTick, h.onAlert, h.onCommand)) {
      log.clear();
      assertDoesNotThrow(() -> f.accept(h.raw(Fixtures.bytes(fixture))));
      assertEquals(1, log.at(Level.SEVERE).size(), f.name());
    }
    assertEquals(0, h.store.saveCount());
  }

  @Test
  void anEventWithoutDataIsAckedWithOneError() {
    h.onTick.accept(io.cloudevents.core.builder.CloudEventBuilder.v1().withId("1")
        .withSource(java.net.URI.create("//pubsub.googleapis.com/x"))
        .withType("google.cloud.pubsub.topic.v1.messagePublished").build());
    assertOneErrorNaming("no data");
  }

  // ---- transient and permanent failures ----------------------------------------------------

  @Test
  void transientFailuresAreRethrownSoPubSubRedelivers() {
    h.routerFailure.set(new TransientFailure("UNAVAILABLE: Cloud Run is down"));
    h.clock.set(Fixtures.BUILD_FINISHED.plusSeconds(30));
    CloudEvent e = h.build("cloudbuild/build-success.json");
    assertThrows(TransientFailure.class, () -> h.onBuild.accept(e));
    // The rollout was recorded before the deploy failed and waits in DEPLOYING; once Cloud
    // Run is back, the redelivery is a duplicate for the rollout but finishes its deploy.
    assertEquals(RolloutState.DEPLOYING, rollout().state());
    h.routerFailure.set(null);
    assertDoesNotThrow(() -> h.onBuild.accept(e));
    assertEquals(RolloutState.CANARY, rollout().state());
  }

  @Test
  void unexpectedFailuresAreRethrownForTheDeadLetterTopic() {
    h.routerFailure.set(new IllegalStateException("a bug"));
    h.clock.set(Fixtures.BUILD_FINISHED.plusSeconds(30));
    assertThrows(IllegalStateException.class,
        () -> h.onBuild.accept(h.build("cloudbuild/build-success.json")));
    assertEquals(1, log.at(Level.SEVERE).size());
  }

  // ---- alerts ------------------------------------------------------------------------------

  @Test
  void anOpenIncidentOnTheCandidateRollsBackAtOnce() {
    h.startRollout();
    h.onAlert.accept(h.fixture("monitoring/incident-open-canary.json"));
    assertEquals(RolloutState.ROLLED_BACK, rollout().state());
    assertEquals(0, h.trafficCalls.get(h.trafficCalls.size() - 1).candidatePercent());
  }

  @Test
  void anIncidentInUpperCaseIsTheSame() {
    h.startRollout();
    h.onAlert.accept(h.fixture("monitoring/incident-open-uppercase-state.json"));
    assertEquals(RolloutState.ROLLED_BACK, rollout().state());
  }

  @Test
  void anOpenIncidentOnTheStableRevisionHoldsAndNotifies() {
    h.startRollout();
    h.onAlert.accept(h.fixture("monitoring/incident-open-stable.json"));
    Rollout r = rollout();
    assertEquals(RolloutState.CANARY, r.state());
    assertEquals(java.util.Set.of("0.ndc7x2k9mq4p"), r.stableIncidents());
    assertTrue(h.publisher.notifications().stream()
        .anyMatch(n -> n.notification().type() == NotificationType.STABLE_ALERT));
    // A passing judge cannot advance while the stable revision is sick.
    h.verdict.set(Outcome.PASS);
    h.clock.advance(Duration.ofHours(1));
    h.onTick.accept(h.fixture("ticks/tick-all.json"));
    assertEquals(0, rollout().stepIndex());
  }

  @Test
  void aClosedIncidentIsRecorded() {
    h.startRollout();
    h.onAlert.accept(h.fixture("monitoring/incident-open-stable.json"));
    String closed = Fixtures.edit("monitoring/incident-open-stable.json")
        .set("/incident/state", "closed").set("/incident/ended_at", 1741944331).text();
    h.onAlert.accept(h.event(utf8(closed), Map.of()));
    assertTrue(rollout().stableIncidents().isEmpty());
    assertTrue(audit().get(audit().size() - 1).message().contains("closed"));
  }

  @Test
  void theConsoleTestNotificationIsIgnored() {
    h.startRollout();
    int saves = h.store.saveCount();
    h.onAlert.accept(h.fixture("monitoring/incident-test-notification.json"));
    assertEquals(saves, h.store.saveCount());
    assertTrue(log.at(Level.SEVERE).isEmpty());
  }

  @Test
  void anIncidentWithoutRevisionIsAckedWithOneError() {
    h.startRollout();
    int saves = h.store.saveCount();
    h.onAlert.accept(h.fixture("monitoring/incident-open-no-revision.json"));
    assertEquals(saves, h.store.saveCount());
    assertOneErrorNaming("revision_name");
  }

  // ---- ticks -------------------------------------------------------------------------------

  @Test
  void aFailingJudgeRollsBackOnTheNextTick() {
    h.startRollout();
    h.verdict.set(Outcome.FAIL);
    h.clock.advance(Duration.ofMinutes(5));
    h.onTick.accept(h.fixture("ticks/tick-all.json"));
    assertEquals(RolloutState.ROLLED_BACK, rollout().state());
  }

  @Test
  void aPassingJudgeAdvancesAfterTheMinimumDwellAndATargetedTickForAnotherStepIsStale() {
    h.startRollout();
    h.verdict.set(Outcome.PASS);
    h.clock.advance(Duration.ofMinutes(6));
    h.onTick.accept(h.event(utf8("{\"rolloutId\":\"" + Fixtures.ROLLOUT_ID
        + "\",\"expectedStep\":3}"), Map.of()));
    assertEquals(0, rollout().stepIndex());
    h.onTick.accept(h.event(utf8("{\"rolloutId\":\"" + Fixtures.ROLLOUT_ID
        + "\",\"expectedStep\":0}"), Map.of()));
    assertEquals(1, rollout().stepIndex());
    assertEquals(20, rollout().traffic().candidatePercent());
  }

  @Test
  void aMalformedTickIsAckedWithOneError() {
    h.onTick.accept(h.fixture("ticks/tick-unknown-field.json"));
    assertOneErrorNaming("unknown field");
  }

  // ---- commands ----------------------------------------------------------------------------

  @Test
  void pauseResumePromote() {
    h.startRollout();
    h.onCommand.accept(h.command("commands/pause.json"));
    assertEquals(RolloutState.PAUSED, rollout().state());
    h.onCommand.accept(h.command("commands/resume.json"));
    assertEquals(RolloutState.CANARY, rollout().state());
    h.onCommand.accept(h.command("commands/promote.json"));
    assertEquals(RolloutState.PROMOTED, rollout().state());
    assertEquals(100, h.trafficCalls.get(h.trafficCalls.size() - 1).candidatePercent());
    AuditEntry last = audit().get(audit().size() - 1);
    assertTrue(audit().stream().anyMatch(a -> a.actor().equals("alice@example.com")));
    assertTrue(last.actor().equals("bob@example.com") || last.actor().equals("canaryrun"));
  }

  @Test
  void rollbackCommand() {
    h.startRollout();
    h.onCommand.accept(h.command("commands/rollback.json"));
    assertEquals(RolloutState.ROLLED_BACK, rollout().state());
  }

  @Test
  void aRedeliveredCommandChangesNothingTwice() {
    h.startRollout();
    CloudEvent pause = h.command("commands/pause.json");
    h.onCommand.accept(pause);
    int saves = h.store.saveCount();
    h.onCommand.accept(pause);
    assertEquals(saves, h.store.saveCount());
  }

  @Test
  void aMalformedCommandNamingARolloutIsAckedLoggedAndAudited() {
    h.startRollout();
    Rollout before = rollout();
    CloudEvent bad = h.command("commands/bad-unknown-command.json");
    h.onCommand.accept(bad);
    assertOneErrorNaming("unknown command 'abort'");
    Rollout after = rollout();
    assertEquals(before.state(), after.state());
    assertEquals(before.traffic(), after.traffic());
    AuditEntry last = audit().get(audit().size() - 1);
    assertEquals("Command.MALFORMED", last.eventType());
    assertEquals("bob@example.com", last.actor());
    assertTrue(last.message().contains("unknown command"));
    int audits = audit().size();
    h.onCommand.accept(bad); // redelivered: audited once
    assertEquals(audits, audit().size());
  }

  @Test
  void everyRejectedCommandIsAuditedOnceWhicheverWayItWasRejected() {
    h.startRollout();
    String retryInFlight = "{\"schemaVersion\":1,\"command\":\"retry\",\"service\":\"checkout\","
        + "\"rolloutId\":\"" + Fixtures.ROLLOUT_ID + "\",\"reason\":\"again\","
        + "\"actor\":\"carol@example.com\"}";
    List<CloudEvent> rejected = List.of(
        h.command("commands/resume.json"), // well-formed, but the rollout is not PAUSED
        h.signed(retryInFlight), // retry of a rollout still in CANARY
        h.command("commands/bad-unknown-command.json")); // malformed, names the rollout
    for (CloudEvent c : rejected) {
      int entries = audit().size();
      int notes = h.publisher.notifications().size();
      h.onCommand.accept(c);
      h.onCommand.accept(c); // redelivered
      List<AuditEntry> trail = audit();
      assertEquals(entries + 1, trail.size(), "one audit entry for " + c.getId());
      assertTrue(trail.get(trail.size() - 1).message().startsWith("rejected "),
          trail.get(trail.size() - 1).message());
      assertEquals(notes + 1, h.publisher.notifications().size(), "one COMMAND_REJECTED");
    }
    assertEquals(RolloutState.CANARY, rollout().state());
  }

  @Test
  void aMalformedCommandNamingOnlyTheServiceIsAuditedOnItsRolloutInFlight() {
    h.startRollout();
    h.onCommand.accept(h.command("commands/bad-unknown-field.json"));
    assertTrue(audit().get(audit().size() - 1).message().contains("unknown field \"force\""));
  }

  @Test
  void aCommandForAnUnknownServiceIsAckedWithOneError() {
    h.startRollout();
    int saves = h.store.saveCount();
    h.onCommand.accept(h.command("commands/bad-unknown-service.json"));
    assertEquals(saves, h.store.saveCount());
    assertOneErrorNaming("unknown service chekcout");
  }

  @Test
  void anOversizedCommandIsAckedWithOneError() {
    h.startRollout();
    int saves = h.store.saveCount();
    String huge = "{\"schemaVersion\":1,\"command\":\"rollback\",\"service\":\"checkout\","
        + "\"actor\":\"mallory\",\"reason\":\"" + "x".repeat(10_000) + "\"}";
    h.onCommand.accept(h.signed(huge));
    assertEquals(saves, h.store.saveCount());
    assertOneErrorNaming("over the limit");
    assertEquals(RolloutState.CANARY, rollout().state());
  }

  @Test
  void aCommandTheRolloutCannotTakeIsRejectedAndAudited() {
    h.startRollout();
    h.onCommand.accept(h.command("commands/resume.json")); // not paused
    assertEquals(RolloutState.CANARY, rollout().state());
    assertTrue(log.at(Level.WARNING).stream().anyMatch(r -> r.getMessage().contains("rejected")));
  }
}
