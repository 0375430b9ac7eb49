package dev.canaryrun.cli.ops;

import com.google.cloud.firestore.Firestore;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.canaryrun.functions.DeploymentContract;
import dev.canaryrun.functions.OnCommand;
import dev.canaryrun.gcp.pubsub.PubSubClients;
import dev.canaryrun.gcp.run.CloudRunClients;
import dev.canaryrun.gcp.run.CloudRunTrafficRouter;
import dev.canaryrun.gcp.store.FirestoreClients;
import dev.canaryrun.gcp.store.FirestoreDrillReports;
import dev.canaryrun.port.DrillReports;
import dev.canaryrun.gcp.store.FirestoreRolloutHistory;
import dev.canaryrun.gcp.store.FirestoreRolloutStore;
import dev.canaryrun.port.RolloutHistory;
import dev.canaryrun.port.RolloutStore;
import dev.canaryrun.port.MetricsReader;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.gcp.monitoring.CloudMonitoringHistory;
import dev.canaryrun.gcp.monitoring.CloudMonitoringMetricsReader;
import dev.canaryrun.gcp.monitoring.MonitoringClients;
import dev.canaryrun.gcp.store.FirestoreRolloutWatch;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The CLI's connections, opened on first use (a {@code status} never dials Pub/Sub or Cloud
 * Run): Firestore through the controller's own {@link FirestoreRolloutStore}, commands to
 * {@code canaryrun-commands}, Cloud Run through the controller's traffic router.
 */
public final class OperatorBackend implements AutoCloseable {
  /** The topic OnCommand is triggered by, as Terraform deploys it. */
  static final String COMMANDS_TOPIC = DeploymentContract.FUNCTIONS.stream()
      .filter(f -> f.entryPoint().equals(OnCommand.class)).findFirst().orElseThrow().topic();

  private final OperatorConfig config;
  private final Clock clock;
  private Firestore db;
  private RolloutStore store;
  private RolloutHistory history;
  private PubSubClients pubsub;
  private Publisher publisher;
  private CloudRunClients run;
  private MetricServiceClient monitoring;

  public OperatorBackend(OperatorConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  public OperatorConfig config() {
    return config;
  }

  public synchronized RolloutStore store() {
    if (store == null) {
      store = new FirestoreRolloutStore(db(), clock);
    }
    return store;
  }

  /** Rollback drill reports ({@code drills/}). */
  public synchronized DrillReports drillReports() {
    return new FirestoreDrillReports(db());
  }

  public synchronized RolloutHistory history() {
    if (history == null) {
      history = new FirestoreRolloutHistory(db());
    }
    return history;
  }

  /** Live changes to every rollout document (the dashboard's push); close to stop. */
  public synchronized AutoCloseable watchRollouts(Consumer<Rollout> onChange,
      Consumer<RuntimeException> onError) {
    return new FirestoreRolloutWatch(db(), clock).start(onChange, onError);
  }

  /** Cloud Monitoring through the controller's own reader (the dashboard's charts). */
  public synchronized MetricsReader metrics() {
    if (monitoring == null) {
      monitoring = MonitoringClients.create(Optional.ofNullable(config.monitoringEndpoint()),
          Duration.ofSeconds(15), 2);
    }
    return new CloudMonitoringMetricsReader(monitoring, config.projectId());
  }

  /** A service's metric history for a backtest, through the controller's own reader. */
  public synchronized CloudMonitoringHistory monitoringHistory() {
    if (monitoring == null) {
      monitoring = MonitoringClients.create(Optional.ofNullable(config.monitoringEndpoint()),
          Duration.ofSeconds(15), 2);
    }
    return new CloudMonitoringHistory(monitoring, config.projectId(),
        CloudMonitoringHistory.Options.defaults());
  }

  private synchronized Firestore db() {
    if (db == null) {
      db = FirestoreClients.create(config.projectId(), config.database(), config.firestoreHost());
    }
    return db;
  }

  synchronized CloudRunTrafficRouter cloudRun() {
    if (run == null) {
      run = CloudRunClients.create(config.runEndpointOpt());
    }
    return new CloudRunTrafficRouter(run, config.projectId());
  }

  /** Publishes the command and waits for Pub/Sub's message id. */
  public String publish(CommandMessage command) {
    try {
      synchronized (this) {
        if (publisher == null) {
          pubsub = config.pubsubHost() != null
              ? PubSubClients.emulator(config.projectId(), config.pubsubHost())
              : PubSubClients.production(config.projectId());
          publisher = pubsub.publisher(COMMANDS_TOPIC, false);
        }
      }
      return publisher.publish(PubsubMessage.newBuilder()
          .setData(ByteString.copyFrom(command.data()))
          .putAllAttributes(command.attributes()).build()).get(30, TimeUnit.SECONDS);
    } catch (IOException | ExecutionException | TimeoutException e) {
      throw new OperationFailed("could not publish the command to " + COMMANDS_TOPIC
          + " in project " + config.projectId() + ": " + rootMessage(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OperationFailed("interrupted while publishing the command", e);
    }
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  @Override
  public synchronized void close() {
    if (publisher != null) {
      publisher.shutdown();
      try {
        publisher.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (pubsub != null) {
      pubsub.close();
    }
    if (run != null) {
      run.close();
    }
    if (monitoring != null) {
      monitoring.close();
    }
    if (db != null) {
      try {
        db.close();
      } catch (Exception e) {
        // exiting
      }
    }
  }
}
