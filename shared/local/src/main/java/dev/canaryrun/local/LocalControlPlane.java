package dev.canaryrun.local;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Cloud Run Admin v2 (Services with TestIamPermissions, Revisions, Operations) and Cloud
 * Monitoring v3 (MetricService, AlertPolicyService) on one plaintext gRPC server, plus an in-process server with the same
 * services. Point the real Google clients at {@link #endpoint()}.
 *
 * <pre>{@code
 * try (LocalControlPlane plane = LocalControlPlane.start(0)) {
 *   plane.cloudRun().createService("projects/p/locations/r", "checkout", "localhost/demo/checkout:v1");
 *   ServicesClient client = ServicesClient.create(...endpoint plane.endpoint()...);
 * }
 * }</pre>
 */
public final class LocalControlPlane implements AutoCloseable {

  private final Server server;
  private final Server inProcess;
  private final String inProcessName;
  private final LocalCloudRun cloudRun;
  private final LocalMonitoring monitoring;
  private final TimeSeriesStore store;
  private final LocalIam iam;
  private final LocalAlertPolicies alertPolicies;

  private LocalControlPlane(Server server, Server inProcess, String inProcessName,
      LocalCloudRun cloudRun, LocalMonitoring monitoring, TimeSeriesStore store, LocalIam iam,
      LocalAlertPolicies alertPolicies) {
    this.iam = iam;
    this.alertPolicies = alertPolicies;
    this.server = server;
    this.inProcess = inProcess;
    this.inProcessName = inProcessName;
    this.cloudRun = cloudRun;
    this.monitoring = monitoring;
    this.store = store;
  }

  /** Starts on 127.0.0.1:{@code port} (0 picks a free port) with the system clock. */
  public static LocalControlPlane start(int port) {
    return start(port, Clock.systemUTC());
  }

  /** Starts with an injected clock (metrics timestamps, resource times, recorded calls). */
  public static LocalControlPlane start(int port, Clock clock) {
    Objects.requireNonNull(clock, "clock");
    TimeSeriesStore store = new TimeSeriesStore(clock);
    LocalCloudRun run = new LocalCloudRun(clock, store);
    LocalMonitoring monitoring = new LocalMonitoring(store, run);
    LocalIam iam = new LocalIam();
    LocalAlertPolicies alertPolicies = new LocalAlertPolicies(clock);
    List<ServerServiceDefinition> services = new ArrayList<>(run.grpcServices(iam));
    services.add(monitoring.grpcService());
    services.add(alertPolicies.bindService());

    ServerBuilder<?> netty = NettyServerBuilder.forAddress(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    String name = "canaryrun-local-" + UUID.randomUUID();
    InProcessServerBuilder inProc = InProcessServerBuilder.forName(name);
    services.forEach(s -> {
      netty.addService(s);
      inProc.addService(s);
    });
    try {
      Server server = netty.build().start();
      Server inProcess = inProc.build().start();
      return new LocalControlPlane(server, inProcess, name, run, monitoring, store, iam,
          alertPolicies);
    } catch (IOException e) {
      run.close();
      throw new UncheckedIOException("cannot start the local control plane on port " + port, e);
    }
  }

  /** {@code 127.0.0.1:port}, the value of CANARYRUN_RUN_ENDPOINT / _MONITORING_ENDPOINT. */
  public String endpoint() {
    return "127.0.0.1:" + port();
  }

  public int port() {
    return server.getPort();
  }

  /** A new channel to the in-process twin of the server (no sockets); caller closes it. */
  public ManagedChannel inProcessChannel() {
    return InProcessChannelBuilder.forName(inProcessName).directExecutor().build();
  }

  public LocalCloudRun cloudRun() {
    return cloudRun;
  }

  public LocalMonitoring monitoring() {
    return monitoring;
  }

  /** Who holds what on the services (Services.TestIamPermissions). */
  public LocalIam iam() {
    return iam;
  }

  /** Cloud Monitoring's alert policies (AlertPolicyService). */
  public LocalAlertPolicies alertPolicies() {
    return alertPolicies;
  }

  public TimeSeriesStore store() {
    return store;
  }

  @Override
  public void close() {
    server.shutdownNow();
    inProcess.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
      inProcess.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    cloudRun.close();
  }
}
