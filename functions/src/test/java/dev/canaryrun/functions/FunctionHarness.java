package dev.canaryrun.functions;

import dev.canaryrun.fixtures.Fixtures;
import dev.canaryrun.fixtures.IdTokens;
import dev.canaryrun.gcp.auth.IdTokenVerifier;
import dev.canaryrun.fixtures.MutableClock;
import dev.canaryrun.judge.CanaryJudge;
import dev.canaryrun.local.publish.MessagePublished;
import dev.canaryrun.judge.JudgeState;
import dev.canaryrun.judge.Judgement;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.memory.InMemoryEventPublisher;
import dev.canaryrun.memory.InMemoryPolicyStore;
import dev.canaryrun.memory.InMemoryRolloutStore;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.port.MetricsReader;
import dev.canaryrun.port.SmokeChecker;
import dev.canaryrun.port.TrafficRouter;
import dev.canaryrun.rollout.Effect.DeployRevision;
import dev.canaryrun.rollout.Effect.SetTraffic;
import dev.canaryrun.service.RolloutService;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The four functions over in-memory ports, a fixed clock and a judge whose verdict the test
 * sets; events are real {@code messagePublished} CloudEvents built from the fixtures.
 */
final class FunctionHarness {
  static final Instant NOW = Instant.parse("2025-03-14T09:15:00Z");

  final MutableClock clock = new MutableClock(NOW);
  final InMemoryRolloutStore store = new InMemoryRolloutStore(clock);
  final InMemoryPolicyStore policies = new InMemoryPolicyStore()
      .watch(Fixtures.SERVICE, Fixtures.REGION, RolloutPolicy.defaults());
  final InMemoryEventPublisher publisher = new InMemoryEventPublisher();
  final List<SetTraffic> trafficCalls = new CopyOnWriteArrayList<>();
  final AtomicReference<RuntimeException> routerFailure = new AtomicReference<>();
  final AtomicReference<Outcome> verdict = new AtomicReference<>(Outcome.INCONCLUSIVE);
  private final AtomicInteger messageIds = new AtomicInteger(1000);

  final TrafficRouter router = new TrafficRouter() {
    @Override
    public Deployment deploy(DeployRevision r) {
      fail();
      return new Deployment(r.revision(), Fixtures.STABLE_REVISION,
          "https://canary---checkout-abc123-ew.a.run.app");
    }

    @Override
    public Deployment locate(dev.canaryrun.rollout.Effect.LocateRevision r) {
      fail();
      return new Deployment(r.revision(), Fixtures.STABLE_REVISION, null);
    }

    @Override
    public void setTraffic(SetTraffic request) {
      fail();
      trafficCalls.add(request);
    }

    @Override
    public int candidatePercentServed(dev.canaryrun.rollout.Effect.ObserveTraffic request) {
      fail();
      return trafficCalls.isEmpty() ? 0 : trafficCalls.get(trafficCalls.size() - 1)
          .candidatePercent();
    }

    private void fail() {
      RuntimeException e = routerFailure.get();
      if (e != null) {
        throw e;
      }
    }
  };

  final CanaryJudge judge = (JudgeState state, dev.canaryrun.policy.JudgeSettings s,
      dev.canaryrun.judge.JudgeInput in) -> new Judgement(
      Verdict.of(verdict.get(), "test judge says " + verdict.get()),
      new JudgeState(in.finalUntil(), state.values()));

  final RolloutService service = new RolloutService(store, policies, router,
      (MetricsReader) q -> Map.of(), (SmokeChecker) s -> new SmokeChecker.Result(true, "200 OK"),
      publisher, judge, clock, Duration.ofHours(1));
  /** The operators' Google: commands carry ID tokens signed by its key. */
  final IdTokens google = new IdTokens();
  final Controller controller = new Controller(service, new CommandSender(
      IdTokenVerifier.withKey(Env.DEFAULT_COMMAND_AUDIENCES, google.publicKey()), false));

  final OnBuildFinished onBuild = new OnBuildFinished(() -> controller);
  final OnPhaseTick onTick = new OnPhaseTick(() -> controller);
  final OnAlertFired onAlert = new OnAlertFired(() -> controller);
  final OnCommand onCommand = new OnCommand(() -> controller);

  /** A messagePublished CloudEvent as Eventarc delivers it, with a fresh message id. */
  CloudEvent event(byte[] payload, Map<String, String> attributes) {
    return event(payload, attributes, String.valueOf(messageIds.incrementAndGet()));
  }

  CloudEvent event(byte[] payload, Map<String, String> attributes, String messageId) {
    return MessagePublished.event("shop-prod", "canaryrun", "eventarc-test", payload,
        attributes, messageId, clock.instant());
  }

  CloudEvent fixture(String name) {
    return event(Fixtures.bytes(name), Map.of());
  }

  /** A command fixture as its {@code actor} sends it: with that account's ID token. */
  CloudEvent command(String name) {
    return signed(Fixtures.text(name));
  }

  /** A command text with the ID token of its {@code actor} (or of {@code sender}) added. */
  CloudEvent signed(String json) {
    String actor = json.replaceAll("(?s).*\"actor\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    return signed(json, actor.equals(json) ? "nobody@example.com" : actor);
  }

  CloudEvent signed(String json, String sender) {
    String token = google.token(sender, clock.instant().minusSeconds(30));
    String body = json.strip().replaceFirst("^\\{", "{\"idToken\":\"" + token + "\",");
    return event(body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  CloudEvent build(String name) {
    String json = Fixtures.text(name);
    return event(json.getBytes(StandardCharsets.UTF_8), Fixtures.buildAttributes(json));
  }

  CloudEvent raw(byte[] ceData) {
    return CloudEventBuilder.v1()
        .withId(String.valueOf(messageIds.incrementAndGet()))
        .withSource(URI.create("//pubsub.googleapis.com/projects/shop-prod/topics/canaryrun"))
        .withType(MessagePublished.TYPE)
        .withTime(clock.instant().atOffset(ZoneOffset.UTC))
        .withData(ceData)
        .build();
  }

  /** Starts the fixture build's rollout: deployed, smoke-checked, at 5%. */
  void startRollout() {
    clock.set(Fixtures.BUILD_FINISHED.plusSeconds(30));
    onBuild.accept(build("cloudbuild/build-success.json"));
  }
}
