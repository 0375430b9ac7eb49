package dev.canaryrun.gcp.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.fixtures.Fixtures;
import dev.canaryrun.rollout.Limits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The inputs issue 11 found throwing (defect 4), the over-long ids that filled a rollout
 * document (defect 6) and the build from the future (defect 5), each pinned as an example. On
 * the code before the fix each of these threw (NullPointerException in Json,
 * DateTimeException, IllegalArgumentException in RolloutIds) or was accepted.
 */
class HostileInputTest {
  private static final String DEEP = "[".repeat(2_000) + "]".repeat(2_000);
  private static final String LONG_NUMBER = "1" + "0".repeat(1_000);

  private final BuildNotificationDecoder builds = new BuildNotificationDecoder();
  private final IncidentDecoder incidents = new IncidentDecoder();
  private final CommandDecoder commands = new CommandDecoder();
  private final TickDecoder ticks = new TickDecoder();

  @Test
  void jsonNestedBeyondJacksonsLimitIsRejectedByEveryDecoder() {
    for (String body : new String[] {DEEP, "{\"a\":" + DEEP + "}", LONG_NUMBER,
        "{\"a\":" + LONG_NUMBER + "}"}) {
      PubSubMessage m = Messages.of(body);
      assertTrue(Messages.rejected(builds.decode(m, "b")).contains("JSON"));
      assertTrue(Messages.rejected(incidents.decode(m, "a")).contains("JSON"));
      assertTrue(Messages.rejected(commands.decode(m, "c")).contains("JSON"));
      assertTrue(Messages.rejected(ticks.decode(m, "t")).contains("JSON"));
    }
  }

  @Test
  void theEnvelopeRejectsItsOwnDeepNestingInsteadOfThrowingBeforeTheGuard() {
    byte[] ce = ("{\"message\":" + DEEP + "}").getBytes(StandardCharsets.UTF_8);
    String problem = Messages.rejected(PubSubMessage.fromCloudEventData(ce, "1", null));
    assertTrue(problem.contains("CloudEvent data"), problem);
    byte[] number = ("{\"message\":{\"data\":\"\",\"messageId\":" + LONG_NUMBER + "}}")
        .getBytes(StandardCharsets.UTF_8);
    Messages.rejected(PubSubMessage.fromCloudEventData(number, "1", null));
  }

  @Test
  void anIncidentStartedAtEpoch1e17IsRejectedNotThrown() {
    String json = Fixtures.edit("monitoring/incident-open-canary.json")
        .set("/incident/started_at", 1e17).text();
    String problem = Messages.rejected(incidents.decode(Messages.of(json), "a"));
    assertTrue(problem.contains("incident.started_at"), problem);
  }

  @Test
  void aBuildIdWithoutLettersOrDigitsIsRejectedNotThrown() {
    String json = Fixtures.edit("cloudbuild/build-success.json").set("/id", "---").text();
    String problem = Messages.rejected(builds.decode(Messages.of(json), "b"));
    assertTrue(problem.contains("'---' is not a build id"), problem);
  }

  @Test
  void anIncidentOnAServiceNameWithASlashIsRejected() {
    String json = Fixtures.edit("monitoring/incident-open-canary.json")
        .set("/incident/resource/labels/service_name", "a/b").text();
    String problem = Messages.rejected(incidents.decode(Messages.of(json), "a"));
    assertTrue(problem.contains("'a/b' is not a Cloud Run service name"), problem);
  }

  @Test
  void aHugeIncidentIdIsRejectedAndAHugeSummaryIsCut() {
    String huge = Fixtures.edit("monitoring/incident-open-stable.json")
        .set("/incident/incident_id", "0." + "x".repeat(80_000)).text();
    String problem = Messages.rejected(incidents.decode(Messages.of(huge), "a"));
    assertTrue(problem.contains("over the limit of " + Limits.MAX_INCIDENT_ID), problem);
    String chatty = Fixtures.edit("monitoring/incident-open-stable.json")
        .set("/incident/summary", "s".repeat(100_000))
        .set("/incident/policy_name", "p".repeat(10_000)).text();
    var alert = Messages.accepted(incidents.decode(Messages.of(chatty), "a"));
    assertEquals(Limits.MAX_SUMMARY, alert.summary().length());
    assertEquals(Limits.MAX_POLICY_NAME, alert.policyName().length());
  }

  @Test
  void aBuildFinishedAfterItsNotificationWasPublishedIsRejected() {
    String future = Fixtures.edit("cloudbuild/build-success.json")
        .set("/finishTime", "2999-01-01T00:00:00Z").text();
    String problem = Messages.rejected(builds.decode(Messages.of(
        future.getBytes(StandardCharsets.UTF_8), Fixtures.buildAttributes(future)), "b"));
    assertTrue(problem.contains("after the notification was published"), problem);
    // within the skew allowance it is still a build
    String skewed = Fixtures.edit("cloudbuild/build-success.json")
        .set("/finishTime", Messages.PUBLISHED.plus(Duration.ofSeconds(30)).toString()).text();
    Messages.accepted(builds.decode(Messages.of(skewed.getBytes(StandardCharsets.UTF_8),
        Fixtures.buildAttributes(skewed)), "b"));
  }

  @Test
  void aBuildKeepsItsProjectAndTriggerForTheReleaseRules() {
    var b = Messages.accepted(builds.decode(Messages.build("cloudbuild/build-success.json"),
        "b")).event();
    assertEquals(Fixtures.PROJECT, b.buildProject());
    assertEquals("2a7c9e41-5b3d-4f6a-8e2c-1d0b9a8f7e6d", b.triggerId());
  }
}
