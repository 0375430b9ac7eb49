package dev.canaryrun.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.run.v2.Service;
import dev.canaryrun.cli.demo.DemoScenario.Release;
import dev.canaryrun.emulators.Emulators;
import dev.canaryrun.functions.Env;
import dev.canaryrun.local.LocalControlPlane;
import dev.canaryrun.local.publish.CloudBuildMessages;
import dev.canaryrun.local.publish.MessagePublished;
import dev.canaryrun.local.publish.MonitoringIncidents;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutIds;
import dev.canaryrun.rollout.RolloutState;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./canaryrun demo}: the whole system on one machine. Starts the Firestore and Pub/Sub
 * emulators, the local Cloud Run + Monitoring control plane, the
 * four functions behind subscriptions of their topics, a load generator and a one-second
 * ticker (the local Cloud Scheduler), then plays the scenario's releases one after the other
 * by publishing what Cloud Build and Cloud Monitoring would publish, and reports how each
 * ended.
 *
 * <p>Everything the controller does goes through the same path as in production: a Pub/Sub
 * message, a CloudEvent, a function, the RolloutService, the adapters, the real Google client
 * libraries against local servers. The demo only publishes, watches and reports.
 */
public final class Demo {
  static final String PROJECT = "canaryrun-demo";
  /** Ticks every second stand in for Cloud Scheduler's every minute: time is compressed. */
  static final Duration TICK_PERIOD = Duration.ofSeconds(1);
  /** How often the demo looks at the rollout it is playing, like an operator at a console. */
  static final Duration WATCH_PERIOD = Duration.ofMillis(200);
  /** Between releases, so one release's last requests do not count against the next. */
  static final Duration SETTLE = Duration.ofSeconds(1);

  /** Requests sent before the steady load, to get past the JIT's cold start (see burst). */
  static final int WARM_UP_REQUESTS = 1500;
  /** Where {@code --keep} serves the dashboard (the CLI's default port). */
  static final int DASHBOARD_PORT = 3100;

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Cloud Scheduler's message: the tick of every active rollout. */
  private static final byte[] EMPTY_TICK = "{}".getBytes(StandardCharsets.UTF_8);

  private final DemoOptions options;
  private final DemoScenario scenario;
  private final Clock clock = Clock.systemUTC();
  private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
  private volatile Playing playing;
  private volatile boolean stopping;
  private volatile boolean finished;
  /** Set once the summary is out with --keep: what the CLI needs to reach the kept state. */
  private volatile DemoExports exports;
  private volatile DemoBackend backend;

  /** The release on stage, for the live view. */
  private record Playing(String version, String rolloutId) {}

  public Demo(DemoOptions options, DemoScenario scenario) {
    this.options = options;
    this.scenario = scenario;
  }

  /** Entry point of {@code ./canaryrun demo}; returns the process exit code. */
  public static int main(String[] args) {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.print(DemoOptions.USAGE);
      return 0;
    }
    DemoOptions options;
    DemoScenario scenario;
    try {
      options = DemoOptions.parse(args, System.out);
      scenario = options.scenario() == null ? DemoScenario.defaults()
          : DemoScenario.load(options.scenario());
    } catch (IllegalArgumentException e) {
      System.err.println("canaryrun demo: " + e.getMessage());
      System.err.print(DemoOptions.USAGE);
      return 2;
    }
    Demo demo = new Demo(options, scenario);
    // Ctrl-C: stop the emulators and servers we started (Emulators has its own hook too).
    Thread hook = new Thread(demo::interrupted, "canaryrun-demo-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    DemoReport report;
    try {
      report = demo.run();
    } catch (Exception e) {
      if (!demo.stopping) { // after Ctrl-C, failures of closed clients are expected noise
        System.err.println("canaryrun demo: FAILED: " + e);
      }
      demo.close();
      return 1;
    }
    if (options.keep() && report.ok()) {
      try {
        new java.util.concurrent.CountDownLatch(1).await(); // until Ctrl-C (the hook closes)
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    demo.close();
    return report.ok() ? 0 : 1;
  }

  /** Plays the scenario; never throws for a release that went wrong (that is the report). */
  public DemoReport run() throws Exception {
    Instant started = clock.instant();
    Instant deadline = started.plus(scenario.timeout());
    DemoLogs logs = DemoLogs.redirect(options.logDir());
    closeables.push(logs);
    say("canaryrun demo: " + scenario.releases().size() + " releases of service "
        + scenario.service() + ", load " + options.rate() + " req/s, timeout "
        + scenario.timeout().toSeconds() + " s; logs in " + options.logDir() + "/");

    LocalControlPlane plane = track(LocalControlPlane.start(0, clock));
    plane.monitoring().setDefaults(PROJECT, scenario.region());
    String parent = "projects/" + PROJECT + "/locations/" + scenario.region();
    Service service = plane.cloudRun().createService(parent, scenario.service(),
        scenario.stableImage());
    say("  local Cloud Run + Monitoring on " + plane.endpoint() + "; " + scenario.service()
        + " at " + service.getUri() + " runs " + scenario.stableImage());

    DemoBackend backend = track(backend());
    say("  state and messages: " + backend.describe());

    DemoFunctions functions = track(functions(plane, backend));
    PubSubEmulatorBus bus = backend.bus();
    for (String topic : List.of(Topics.BUILDS, Topics.TICKS, Topics.ALERTS, Topics.COMMANDS)) {
      var function = functions.forTopic(topic);
      bus.subscribe(topic, m -> function.accept(MessagePublished.event(PROJECT, m.topic(),
          m.subscription(), m.data(), m.attributes(), m.messageId(), m.publishTime())));
    }
    LiveView view = new LiveView(options.out(), plane, service.getName(), started);
    bus.subscribe(Topics.EVENTS, m -> lifecycleEvent(view, m.data()));

    LoadGenerator load = track(new LoadGenerator(URI.create(service.getUri()), options.rate()));
    load.burst(WARM_UP_REQUESTS, 64);
    load.start();
    RegionalPlayer regional = RegionalPlayer.applies(scenario) ? track(RegionalPlayer.start(plane,
        PROJECT, scenario, options.rate(), WARM_UP_REQUESTS, clock, this::say)) : null;
    ScheduledExecutorService timers =
        Executors.newScheduledThreadPool(2, LoadGenerator.daemon("demo-timer"));
    track((AutoCloseable) timers::shutdownNow);
    timers.scheduleAtFixedRate(() -> publishQuietly(bus, Topics.TICKS, EMPTY_TICK),
        0, TICK_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    if (options.liveView()) {
      timers.scheduleAtFixedRate(() -> liveLine(view, backend), 1, 1, TimeUnit.SECONDS);
    }
    say("  functions subscribed to " + String.join(", ", Topics.ALL.subList(0, 4))
        + "; ticks every " + TICK_PERIOD.toSeconds() + " s; starting in "
        + Duration.between(started, clock.instant()).toMillis() + " ms");

    List<ReleaseResult> results = new ArrayList<>();
    String failure = null;
    for (Release release : scenario.releases()) {
      say("");
      say("== release " + release.version() + ": " + release.image() + " (" + release.description()
          + "), expected " + release.expect());
      ReleaseResult r = regional == null ? play(release, plane, backend, deadline)
          : regional.play(release, backend, plane, deadline,
              id -> playing = new Playing(release.version() + id.substring(id.indexOf('@')),
                  id));
      results.add(r);
      if (r.timedOut()) {
        failure = "the demo timed out after " + scenario.timeout().toSeconds() + " s during "
            + release.version() + " (rollout " + r.rolloutId() + " in " + r.finalState() + ")";
        break;
      }
      Thread.sleep(SETTLE.toMillis());
    }
    playing = null;
    if (!options.keep()) {
      timers.shutdownNow();
    }
    if (failure == null) {
      List<String> off = new ArrayList<>(results.stream().filter(r -> !r.asExpected())
          .map(r -> r.release().version() + " expected " + r.release().expect() + " but "
              + r.outcome().map(Enum::name).orElse(String.valueOf(r.finalState())) + r.why())
          .toList());
      off.addAll(regional == null ? List.of() : regional.problems());
      if (!off.isEmpty()) {
        failure = String.join("; ", off);
      }
    }
    DemoReport report = new DemoReport(results, backend.describe(), options.rate(),
        Duration.between(started, clock.instant()), failure,
        regional == null ? List.of() : regional.rows(),
        regional == null ? List.of() : regional.published());
    List<String> summary = Summary.render(report, view.width());
    summary.forEach(this::say);
    Summary.write(options.logDir(), Summary.render(report, Integer.MAX_VALUE), this::say);
    if (options.keep()) {
      DemoExports local = new DemoExports(backend.emulators().firestoreHost(),
          backend.emulators().pubsubHost(), plane.endpoint(), PROJECT, scenario.region(), null);
      java.net.URI dashboard = null;
      try { // the dashboard is a view: the demo's state stays there for the CLI without it
        dashboard = track(local.startDashboard(clock, DASHBOARD_PORT)).uri();
      } catch (java.io.IOException | RuntimeException e) {
        say("  (the dashboard did not start: " + e.getMessage() + ")");
      }
      exports = local.withDashboard(dashboard);
      this.backend = backend;
      exports.lines().forEach(this::say);
    }
    finished = true;
    return report;
  }

  /** Publishes the build, raises the alert when due, and waits until the rollout is done. */
  private ReleaseResult play(Release release, LocalControlPlane plane, DemoBackend backend,
      Instant deadline) throws InterruptedException {
    String buildId = UUID.randomUUID().toString();
    String rolloutId = RolloutIds.forBuild(scenario.service(), buildId);
    // The build pins the image by digest; tell local Cloud Run what that digest behaves like.
    plane.cloudRun().defineImage(CloudBuildMessages.digestOf(release.image()),
        release.behaviour());
    playing = new Playing(release.version(), rolloutId);
    Instant published = clock.instant();
    backend.bus().publish(Topics.BUILDS, CloudBuildMessages.success(PROJECT, buildId,
            scenario.service(), scenario.region(), release.image(), published),
        CloudBuildMessages.attributes(buildId, "SUCCESS"));

    Instant canaryAt = null;
    Instant alertAt = null;
    Optional<Rollout> r = Optional.empty();
    boolean timedOut = false;
    while (true) {
      r = backend.store().find(rolloutId);
      Instant now = clock.instant();
      if (r.isPresent()) {
        Rollout x = r.get();
        if (canaryAt == null && x.state() == RolloutState.CANARY) {
          canaryAt = now;
        }
        if (release.alert() != null && alertAt == null && canaryAt != null
            && !now.isBefore(canaryAt.plus(release.alert().at()))) {
          alertAt = raiseIncident(release, x, backend.bus());
        }
        if (x.ended()) { // its settling check runs on in the background
          break;
        }
      }
      if (now.isAfter(deadline)) {
        timedOut = true;
        break;
      }
      Thread.sleep(WATCH_PERIOD.toMillis());
    }
    String candidate = r.map(Rollout::candidateRevision).orElse(null);
    return new ReleaseResult(release, r.map(Rollout::id).orElse(null), candidate,
        r.map(Rollout::state).orElse(null),
        r.isPresent() ? backend.store().audit(rolloutId) : List.of(), published, alertAt,
        alertAt == null ? null : ReleaseResult.zeroAtCloudRun(plane, candidate, alertAt), timedOut);
  }

  private Instant raiseIncident(Release release, Rollout r, PubSubEmulatorBus bus) {
    Instant at = clock.instant();
    String incident = "0." + Long.toHexString(UUID.randomUUID().getMostSignificantBits() >>> 8);
    bus.publish(Topics.ALERTS, new MonitoringIncidents(PROJECT, scenario.service(),
        scenario.region(), release.alert().policyName()).open(incident, r.candidateRevision(),
        release.alert().summary(), at), Map.of());
    say(String.format("  ! incident %s opened on %s: %s", incident, r.candidateRevision(),
        release.alert().policyName()));
    return at;
  }

  /** The controller exactly as a deployed function builds it, from a function environment. */
  private DemoFunctions functions(LocalControlPlane plane, DemoBackend backend) {
    Emulators emulators = backend.emulators();
    return DemoFunctions.fromEnvironment(Map.of(
        Env.PROJECT, PROJECT,
        Env.REGION, scenario.region(),
        Env.RUN_ENDPOINT, plane.endpoint(),
        Env.MONITORING_ENDPOINT, plane.endpoint(),
        Env.FIRESTORE_EMULATOR_HOST, emulators.firestoreHost(),
        Env.PUBSUB_EMULATOR_HOST, emulators.pubsubHost(),
        Env.ALERT_CHANNEL, DemoAlertPolicies.create(plane, PROJECT, scenario.service())), clock);
  }

  /** The Firestore and Pub/Sub emulators; their absence fails with how to install them. */
  private DemoBackend backend() {
    System.setProperty(Emulators.LOG_DIR_PROPERTY,
        options.logDir().resolve("emulators").toString());
    Emulators emulators = Emulators.shared();
    // stopShared, not close: a later shared() in this JVM (the next test) starts new ones.
    track((AutoCloseable) Emulators::stopShared);
    return DemoBackend.emulators(emulators, PROJECT, scenario, clock);
  }

  private void liveLine(LiveView view, DemoBackend backend) {
    Playing p = playing;
    if (p == null) {
      return;
    }
    try {
      view.print(view.line(p.version(), backend.store().find(p.rolloutId()), clock.instant()));
    } catch (RuntimeException e) {
      view.print("  (live view: " + e.getMessage() + ")");
    }
  }

  /** A lifecycle notification from canaryrun-events, as a chat bridge would show it. */
  private void lifecycleEvent(LiveView view, byte[] data) {
    if (playing == null && exports == null) {
      return; // the summary is being printed: a late notification would land in its middle
    }
    try {
      JsonNode n = JSON.readTree(data);
      view.print("  >> " + n.path("type").asText() + " " + n.path("rolloutId").asText() + ": "
          + n.path("message").asText());
    } catch (IOException e) {
      view.print("  >> (unreadable event: " + e.getMessage() + ")");
    }
  }

  private static void publishQuietly(PubSubEmulatorBus bus, String topic, byte[] data) {
    try {
      bus.publish(topic, data, Map.of());
    } catch (RuntimeException e) {
      // A missed tick is what Cloud Scheduler does on a bad minute; the next one comes.
    }
  }

  private void say(String line) {
    synchronized (options.out()) {
      options.out().println(line);
      options.out().flush();
    }
  }

  private <T extends AutoCloseable> T track(T c) {
    synchronized (closeables) {
      closeables.push(c);
    }
    return c;
  }

  /** With --keep, after {@link #run}: the environment for the CLI. */
  public DemoExports exports() {
    if (exports == null) {
      throw new IllegalStateException("nothing kept: run with --keep, after run()");
    }
    return exports;
  }

  /** With --keep: stops every delivery to the functions (a controller outage, for drills). */
  public void stopFunctions() {
    backend.bus().close();
  }

  /** The JVM is going down (Ctrl-C, SIGTERM): stop what was started, say so if mid-run. */
  private void interrupted() {
    stopping = true;
    if (!finished) {
      System.err.println("\ncanaryrun demo: interrupted; stopping the emulators and servers");
    }
    close();
  }

  /** Closes what was started, newest first; safe to call twice (Ctrl-C after the end). */
  public void close() {
    while (true) {
      AutoCloseable c;
      synchronized (closeables) {
        c = closeables.poll();
      }
      if (c == null) {
        return;
      }
      try {
        c.close();
      } catch (Exception e) {
        // stopping anyway
      }
    }
  }
}
