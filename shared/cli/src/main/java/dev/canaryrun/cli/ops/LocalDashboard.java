package dev.canaryrun.cli.ops;

import dev.canaryrun.cli.dashboard.DashboardServer;
import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.time.Clock;
import java.util.Map;

/**
 * A dashboard with its own connections, for callers that are not a command line: the demo's
 * {@code --keep} and the browser tests. It resolves its configuration from {@code env} as
 * the CLI does (the emulators' variables, the project).
 */
public final class LocalDashboard implements AutoCloseable {
  private final OperatorBackend backend;
  private final DashboardServer server;

  private LocalDashboard(OperatorBackend backend, DashboardServer server) {
    this.backend = backend;
    this.server = server;
  }

  /** On {@code port}, or on any free port when that one is taken. */
  public static LocalDashboard start(Map<String, String> env, Clock clock, int port)
      throws IOException {
    OperatorConfig config = OperatorConfig.resolve(null, null, env, GcloudConfig.load(env,
        java.nio.file.Path.of(System.getProperty("user.home"))));
    OperatorBackend backend = new OperatorBackend(config, clock);
    CommandIssuer issuer = new CommandIssuer(backend, env, clock);
    try {
      DashboardServer server;
      try {
        server = DashboardServer.start(backend, issuer, clock, port);
      } catch (BindException taken) {
        server = DashboardServer.start(backend, issuer, clock, 0);
      }
      return new LocalDashboard(backend, server);
    } catch (IOException | RuntimeException e) {
      backend.close();
      throw e;
    }
  }

  public URI uri() {
    return server.uri();
  }

  public DashboardServer server() {
    return server;
  }

  @Override
  public void close() {
    server.close();
    backend.close();
  }
}
