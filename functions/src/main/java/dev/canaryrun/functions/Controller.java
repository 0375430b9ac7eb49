package dev.canaryrun.functions;

import com.google.cloud.firestore.Firestore;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import dev.canaryrun.gcp.decode.BuildNotificationDecoder;
import dev.canaryrun.gcp.decode.CommandDecoder;
import dev.canaryrun.gcp.decode.IncidentDecoder;
import dev.canaryrun.gcp.decode.RunAuditLogDecoder;
import dev.canaryrun.gcp.decode.TickDecoder;
import dev.canaryrun.gcp.monitoring.CloudMonitoringMetricsReader;
import dev.canaryrun.gcp.monitoring.MonitoringClients;
import dev.canaryrun.gcp.pubsub.PubSubClients;
import dev.canaryrun.gcp.pubsub.PubSubEventPublisher;
import dev.canaryrun.gcp.run.CloudRunClients;
import dev.canaryrun.gcp.run.CloudRunRevisionLocator;
import dev.canaryrun.gcp.run.CloudRunTrafficRouter;
import dev.canaryrun.gcp.smoke.HttpSmokeChecker;
import dev.canaryrun.gcp.store.FirestoreClients;
import dev.canaryrun.gcp.store.FirestorePolicyStore;
import dev.canaryrun.gcp.store.FirestoreRolloutStore;
import dev.canaryrun.judge.SequentialJudge;
import dev.canaryrun.port.PolicyStore;
import dev.canaryrun.port.RolloutStore;
import dev.canaryrun.port.SmokeChecker;
import dev.canaryrun.service.RolloutService;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Everything a function instance needs, built once per instance from the environment on the
 * first event (not at class load: a cold start that fails on a missing variable should fail
 * the event, visibly and retryably, not the class). The four functions are thin: they decode,
 * call the {@link RolloutService} and map its outcome to ack or retry.
 */
public final class Controller implements AutoCloseable {
  private static final Object LOCK = new Object();
  private static volatile Controller instance;
  private static volatile Supplier<Map<String, String>> environment = System::getenv;

  private final RolloutService service;
  private final RolloutStore store;
  private final PolicyStore policies;
  private final Clock clock;
  private final BuildNotificationDecoder builds;
  private final TickDecoder ticks = new TickDecoder();
  private final IncidentDecoder incidents = new IncidentDecoder();
  private final CommandDecoder commands = new CommandDecoder();
  private final RunAuditLogDecoder audits = new RunAuditLogDecoder();
  private final List<AutoCloseable> resources;
  private final DeployedRevisions revisions;

  /**
   * Around ports built elsewhere (tests, the local demo's in-memory mode): nothing is created
   * and nothing is closed.
   */
  public Controller(RolloutService service, RolloutStore store, PolicyStore policies, Clock clock,
      String defaultRegion) {
    this(service, store, policies, clock, defaultRegion, List.of(), DeployedRevisions.NONE);
  }

  /** As above, with a way to find the revisions builds deploy themselves. */
  public Controller(RolloutService service, RolloutStore store, PolicyStore policies, Clock clock,
      String defaultRegion, DeployedRevisions revisions) {
    this(service, store, policies, clock, defaultRegion, List.of(), revisions);
  }

  private Controller(RolloutService service, RolloutStore store, PolicyStore policies,
      Clock clock, String defaultRegion, List<AutoCloseable> resources,
      DeployedRevisions revisions) {
    this.service = Objects.requireNonNull(service, "service");
    this.store = Objects.requireNonNull(store, "store");
    this.policies = Objects.requireNonNull(policies, "policies");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.builds = new BuildNotificationDecoder(defaultRegion);
    this.resources = List.copyOf(resources);
    this.revisions = Objects.requireNonNull(revisions, "revisions");
  }

  /** The instance's controller, created from the environment on first use. */
  public static Controller instance() {
    Controller c = instance;
    if (c == null) {
      synchronized (LOCK) {
        c = instance;
        if (c == null) {
          // A failure here is not cached: the next event (Pub/Sub retries) tries again.
          c = fromEnvironment(environment.get(), Clock.systemUTC());
          instance = c;
        }
      }
    }
    return c;
  }

  /**
   * Replaces the instance's controller (tests and the end-to-end harness, which run the four
   * functions in one JVM and cannot set its environment). Returns the previous one.
   */
  public static Controller install(Controller c) {
    synchronized (LOCK) {
      Controller previous = instance;
      instance = c;
      return previous;
    }
  }

  /**
   * Makes the next {@link #instance()} build a new controller from {@code env} instead of the
   * process environment: the lazy path of a cold start, for the harness and the benchmark.
   * Returns the controller that was in use (the caller closes it).
   */
  static Controller useEnvironment(Map<String, String> env) {
    synchronized (LOCK) {
      environment = () -> env;
      Controller previous = instance;
      instance = null;
      return previous;
    }
  }

  /** Builds the real adapters: Firestore, Pub/Sub, Cloud Run Admin v2, Monitoring v3. */
  public static Controller fromEnvironment(Map<String, String> env, Clock clock) {
    FunctionConfig config = FunctionConfig.from(env);
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      Firestore db = FirestoreClients.create(config.project(), config.database(),
          config.firestoreEmulator().orElse(null));
      resources.add(db);
      RolloutStore store = new FirestoreRolloutStore(db, clock);
      PolicyStore policies = new FirestorePolicyStore(db, config.region());
      PubSubClients pubsub = config.pubsubEmulator()
          .map(host -> PubSubClients.emulator(config.project(), host))
          .orElseGet(() -> PubSubClients.production(config.project()));
      resources.add(pubsub);
      PubSubEventPublisher publisher = new PubSubEventPublisher(pubsub, config.eventsTopic(),
          config.ticksTopic(), clock);
      resources.add(0, publisher); // flushed before its clients close
      // The router's waits end well inside the function's own timeout (TimeoutAgreementTest).
      CloudRunClients run = CloudRunClients.create(config.runEndpoint(),
          CloudRunClients.Limits.forFunctionTimeout(config.functionTimeout()));
      resources.add(run);
      MetricServiceClient monitoring = MonitoringClients.create(config.monitoringEndpoint());
      resources.add(monitoring);
      // Against the local control plane the revisions are plain HTTP on localhost: no ID token.
      SmokeChecker smoke = config.runEndpoint().isPresent()
          ? new HttpSmokeChecker(HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5)).build())
          : HttpSmokeChecker.withApplicationDefaultCredentials();
      RolloutService service = new RolloutService(store, policies,
          new CloudRunTrafficRouter(run, config.project()),
          new CloudMonitoringMetricsReader(monitoring, config.project()), smoke, publisher,
          new SequentialJudge(), clock, config.maxEventAge());
      resources.add(0, service); // stops deciding before the clients it uses close
      return new Controller(service, store, policies, clock, config.region(), resources,
          DeployedRevisions.of(new CloudRunRevisionLocator(run, config.project())));
    } catch (RuntimeException e) {
      closeAll(resources);
      throw e;
    }
  }

  RolloutService service() {
    return service;
  }

  RolloutStore store() {
    return store;
  }

  PolicyStore policies() {
    return policies;
  }

  Clock clock() {
    return clock;
  }

  DeployedRevisions revisions() {
    return revisions;
  }

  BuildNotificationDecoder builds() {
    return builds;
  }

  RunAuditLogDecoder audits() {
    return audits;
  }

  TickDecoder ticks() {
    return ticks;
  }

  IncidentDecoder incidents() {
    return incidents;
  }

  CommandDecoder commands() {
    return commands;
  }

  @Override
  public void close() {
    closeAll(resources);
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception ignored) {
        // closing is best effort: the instance is going away
      }
    }
  }
}
