package dev.canaryrun.functions;

import com.google.cloud.firestore.Firestore;
import com.google.cloud.monitoring.v3.AlertPolicyServiceClient;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import dev.canaryrun.gcp.decode.ScheduledDrillDecoder;
import dev.canaryrun.gcp.drill.AlertPolicyCheck;
import dev.canaryrun.gcp.drill.CloudDrillProbe;
import dev.canaryrun.gcp.drill.PubSubDrillIncidents;
import dev.canaryrun.gcp.store.FirestoreDrillReports;
import dev.canaryrun.gcp.decode.BuildNotificationDecoder;
import dev.canaryrun.gcp.decode.CommandDecoder;
import dev.canaryrun.gcp.decode.IncidentDecoder;
import dev.canaryrun.gcp.decode.RunAuditLogDecoder;
import dev.canaryrun.gcp.decode.TickDecoder;
import dev.canaryrun.gcp.auth.IdTokenVerifier;
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
import dev.canaryrun.service.Drills;
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
 * Everything a function instance needs, wired once: the {@link RolloutService} around the real
 * adapters, and the decoders of the four topics. A function holds its controller (built on its
 * first event, see {@link #lazilyFromEnvironment}); nothing here is global. The four functions
 * are thin: they decode, call the service and map its outcome to ack or retry.
 */
public final class Controller implements AutoCloseable {
  private final RolloutService service;
  private final BuildNotificationDecoder builds;
  private final TickDecoder ticks = new TickDecoder();
  private final ScheduledDrillDecoder scheduledDrills = new ScheduledDrillDecoder();
  private final IncidentDecoder incidents = new IncidentDecoder();
  private final CommandDecoder commands = new CommandDecoder();
  private final CommandSender senders;
  private final RunAuditLogDecoder audits = new RunAuditLogDecoder();
  private final List<AutoCloseable> resources;
  private final DeployedRevisions revisions;
  /** Null around a service built elsewhere: its waits keep their own bounds. */
  private final InvocationBudget budget;

  /**
   * Around a service built elsewhere (tests, the demo): nothing is created and nothing is
   * closed. Commands are verified against Google's keys.
   */
  public Controller(RolloutService service) {
    this(service, CommandSender.production(), List.of(), DeployedRevisions.NONE, null);
  }

  /**
   * As above, with command senders verified by {@code senders} (tests: a local key; the demo:
   * unsigned commands allowed).
   */
  public Controller(RolloutService service, CommandSender senders) {
    this(service, senders, List.of(), DeployedRevisions.NONE, null);
  }

  /** As above, with a way to find the revisions builds deploy themselves. */
  public Controller(RolloutService service, CommandSender senders, DeployedRevisions revisions) {
    this(service, senders, List.of(), revisions, null);
  }

  /** As above, each invocation within {@code budget} (the end-to-end tests' deadline). */
  public Controller(RolloutService service, CommandSender senders, DeployedRevisions revisions,
      InvocationBudget budget) {
    this(service, senders, List.of(), revisions, Objects.requireNonNull(budget, "budget"));
  }

  private Controller(RolloutService service, CommandSender senders,
      List<AutoCloseable> resources, DeployedRevisions revisions, InvocationBudget budget) {
    this.budget = budget;
    this.service = Objects.requireNonNull(service, "service");
    // A build without _DEPLOY_REGION deploys to its policy's region, decided in the engine.
    this.builds = new BuildNotificationDecoder();
    this.senders = Objects.requireNonNull(senders, "senders");
    this.resources = List.copyOf(resources);
    this.revisions = Objects.requireNonNull(revisions, "revisions");
  }

  /**
   * A controller built from {@link FunctionEnvironment} on first use, not at class load: a
   * cold start that fails on a missing variable should fail the event, visibly and retryably,
   * not the class. A failure is not remembered, so the next event (Pub/Sub retries) tries
   * again.
   */
  public static Supplier<Controller> lazilyFromEnvironment() {
    return new Supplier<>() {
      private Controller built;

      @Override
      public synchronized Controller get() {
        if (built == null) {
          built = fromEnvironment(FunctionEnvironment.read(), Clock.systemUTC());
        }
        return built;
      }
    };
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
      // Policies may live in a database the functions can only read (docs/SECURITY.md).
      Firestore policyDb = db;
      if (!config.policyDatabase().equals(config.database())) {
        policyDb = FirestoreClients.create(config.project(), config.policyDatabase(),
            config.firestoreEmulator().orElse(null));
        resources.add(policyDb);
      }
      PolicyStore policies = new FirestorePolicyStore(policyDb, config.region());
      PubSubClients pubsub = config.pubsubEmulator()
          .map(host -> PubSubClients.emulator(config.project(), host))
          .orElseGet(() -> PubSubClients.production(config.project()));
      resources.add(pubsub);
      PubSubEventPublisher publisher = new PubSubEventPublisher(pubsub, config.eventsTopic(),
          config.ticksTopic(), clock);
      resources.add(0, publisher); // flushed before its clients close
      // The router's waits end well inside the function's own timeout (TimeoutAgreementTest).
      CloudRunClients.Limits limits =
          CloudRunClients.Limits.forFunctionTimeout(config.functionTimeout());
      CloudRunClients run = CloudRunClients.create(config.runEndpoint(), limits);
      resources.add(run);
      MetricServiceClient monitoring = MonitoringClients.create(config.monitoringEndpoint());
      resources.add(monitoring);
      // Against the local control plane the revisions are plain HTTP on localhost: no ID token.
      SmokeChecker smoke = config.runEndpoint().isPresent()
          ? new HttpSmokeChecker(HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5)).build())
          : HttpSmokeChecker.withApplicationDefaultCredentials();
      // Rollback drills (README "Rollback drills"): the probe reads Cloud Run and the alert
      // policies, the incident goes out on the topic OnAlertFired consumes.
      AlertPolicyServiceClient alertPolicies =
          MonitoringClients.alertPolicies(config.monitoringEndpoint());
      resources.add(alertPolicies);
      PubSubDrillIncidents drillIncidents = new PubSubDrillIncidents(pubsub,
          config.alertsTopic(), config.project(), clock);
      resources.add(0, drillIncidents);
      Drills drills = new Drills(new CloudDrillProbe(run, config.project(),
          new AlertPolicyCheck(alertPolicies, config.project(),
              config.alertChannel().orElse(null), clock), clock),
          drillIncidents, new FirestoreDrillReports(db));
      RolloutService service = new RolloutService(store, policies,
          new CloudRunTrafficRouter(run, config.project()),
          new CloudMonitoringMetricsReader(monitoring, config.project()), smoke, publisher,
          new SequentialJudge(), clock, config.maxEventAge(),
          RolloutService.DEFAULT_TICK_PARALLELISM, drills);
      resources.add(0, service); // stops deciding before the clients it uses close
      CommandSender senders = new CommandSender(IdTokenVerifier.withCertificates(
          config.commandAudiences(), config.idTokenCerts()), config.allowUnverifiedCommands());
      return new Controller(service, senders, resources,
          DeployedRevisions.of(new CloudRunRevisionLocator(run, config.project())),
          InvocationBudget.of(config.functionTimeout(), limits));
    } catch (RuntimeException e) {
      closeAll(resources);
      throw e;
    }
  }

  RolloutService service() {
    return service;
  }

  /** The invocation's budget; empty around a service built elsewhere. */
  java.util.Optional<InvocationBudget> budget() {
    return java.util.Optional.ofNullable(budget);
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

  ScheduledDrillDecoder scheduledDrills() {
    return scheduledDrills;
  }

  IncidentDecoder incidents() {
    return incidents;
  }

  CommandDecoder commands() {
    return commands;
  }

  CommandSender senders() {
    return senders;
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
