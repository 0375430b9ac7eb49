package dev.canaryrun.gcp.decode;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.fixtures.Fixtures;
import dev.canaryrun.local.publish.MessagePublished;
import dev.canaryrun.rollout.Limits;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import dev.canaryrun.rollout.RolloutIds;
import dev.canaryrun.service.AlertRequest;
import dev.canaryrun.service.CommandRequest;
import dev.canaryrun.service.EventClock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Issue 11, defect 4: any input to any decoder, and to the envelope, is accepted or rejected
 * (or ignored) with a named reason, never thrown; a thrown exception is a message Pub/Sub
 * retries forever. Whatever is accepted stays inside the bounds the rollout document relies on.
 * Tries are bounded (800 in all) so the whole class runs in seconds; the hostile-value
 * properties are the ones that caught the defects (every hostile value reaches every
 * fixture, many times over), the byte flips and random bytes guard the parser's edges.
 */
class DecoderFuzzTest {
  private final BuildNotificationDecoder builds = new BuildNotificationDecoder();
  private final IncidentDecoder incidents = new IncidentDecoder();
  private final CommandDecoder commands = new CommandDecoder();
  private final TickDecoder ticks = new TickDecoder();

  @Property(tries = 250)
  void anyFixtureWithOneHostileValueIsDecodedWithoutThrowing(
      @ForAll("fixtures") String fixture, @ForAll @IntRange(max = 200) int node,
      @ForAll @IntRange(max = 1000) int value) {
    everyDecoderNames(Hostile.replaceOneNode(fixture, node, value), fixture);
  }

  @Property(tries = 100)
  void anyFixtureWithFlippedBytesIsDecodedWithoutThrowing(@ForAll("fixtures") String fixture,
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int edits) {
    everyDecoderNames(Hostile.flipBytes(fixture, seed, edits), fixture);
  }

  @Property(tries = 100)
  void anyBytesAtAllAreDecodedWithoutThrowing(@ForAll("anyBytes") byte[] data) {
    everyDecoderNames(data, "cloudbuild/build-success.json");
  }

  @Property(tries = 250)
  void anEnvelopeWithAHostileValueIsAcceptedOrRejectedWithoutThrowing(
      @ForAll("fixtures") String fixture, @ForAll @IntRange(max = 20) int node,
      @ForAll @IntRange(max = 1000) int value) {
    byte[] ce = envelope(Fixtures.bytes(fixture));
    byte[] mutated = Hostile.replaceOneNode(ce, node, value);
    Decoded<PubSubMessage> d = PubSubMessage.fromCloudEventData(mutated, "ce-1",
        Messages.PUBLISHED);
    named(d);
    if (d instanceof Decoded.Accepted<PubSubMessage> a) {
      everyDecoderNames(a.value(), fixture);
    }
  }

  @Property(tries = 100)
  void anEnvelopeWithFlippedBytesIsAcceptedOrRejectedWithoutThrowing(
      @ForAll("fixtures") String fixture, @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 6) int edits) {
    byte[] ce = Hostile.flipBytes(envelope(Fixtures.bytes(fixture)), seed, edits);
    named(PubSubMessage.fromCloudEventData(ce, null, null));
  }

  @Provide
  Arbitrary<String> fixtures() {
    return Arbitraries.of(Hostile.FIXTURES);
  }

  @Provide
  Arbitrary<byte[]> anyBytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
  }

  private void everyDecoderNames(byte[] data, String fixture) {
    Map<String, String> attributes = new LinkedHashMap<>();
    if (fixture.startsWith("cloudbuild/")) {
      attributes.put("buildId", Fixtures.BUILD_ID);
      attributes.put("status", "SUCCESS");
    }
    everyDecoderNames(new PubSubMessage(data, attributes, "4711", Messages.PUBLISHED, null),
        fixture);
    everyDecoderNames(new PubSubMessage(data, Map.of(), "4712", Messages.PUBLISHED, null),
        fixture);
  }

  private void everyDecoderNames(PubSubMessage m, String fixture) {
    Decoded<BuildRelease> b = named(builds.decode(m, "build:1"));
    if (b instanceof Decoded.Accepted<BuildRelease> a) {
      BuildSucceeded e = a.value().event();
      // What the engine does next with it must not throw either (defect 4: "---").
      String id = RolloutIds.forBuild(e.service(), e.buildId());
      assertTrue(id.length() <= 58, id);
      assertTrue(e.image().length() <= Limits.MAX_IMAGE, e.image());
      assertFalse(e.occurredAt().isAfter(m.publishTime().plus(EventClock.MAX_SKEW)),
          "a build from the future was accepted: " + e.occurredAt());
    }
    Decoded<AlertRequest> i = named(incidents.decode(m, "alert:1"));
    if (i instanceof Decoded.Accepted<AlertRequest> a) {
      AlertRequest r = a.value();
      assertTrue(r.incidentId().length() <= Limits.MAX_INCIDENT_ID);
      assertTrue(r.summary() == null || r.summary().length() <= Limits.MAX_SUMMARY);
      assertTrue(r.policyName() == null || r.policyName().length() <= Limits.MAX_POLICY_NAME);
      assertTrue(CommandDecoder.SERVICE.matcher(r.service()).matches(), r.service());
      assertTrue(r.occurredAt().isBefore(Instant.parse("+10000-01-01T00:00:00Z")));
    }
    Decoded<CommandRequest> c = named(commands.decode(m, "command:1"));
    if (c instanceof Decoded.Accepted<CommandRequest> a) {
      assertTrue(a.value().reason().length() <= Limits.MAX_REASON);
      assertTrue(a.value().actor().length() <= Limits.MAX_ACTOR);
    }
    CommandDecoder.idToken(m); // read before decoding: must not throw either
    named(ticks.decode(m, "tick:1"));
  }

  /** The decoded result names its reason (a null or blank one is an unexplained ack). */
  private static <T> Decoded<T> named(Decoded<T> d) {
    assertNotNull(d);
    if (d instanceof Decoded.Rejected<T> r) {
      assertFalse(r.problem().isBlank());
    } else if (d instanceof Decoded.Ignored<T> i) {
      assertFalse(i.reason().isBlank());
    }
    return d;
  }

  private static byte[] envelope(byte[] payload) {
    return MessagePublished.data(payload, Map.of("buildId", Fixtures.BUILD_ID),
        "4711", Messages.PUBLISHED, "projects/p/subscriptions/s");
  }
}
