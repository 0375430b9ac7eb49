package dev.canaryrun.cli.ops;

import dev.canaryrun.cli.dashboard.DashboardServer;
import java.io.IOException;
import java.net.BindException;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code canaryrun dashboard [--port 3100]}: the web view, on localhost, until Ctrl-C. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
    description = {"A live web view of every rollout: services, steps, traffic, the evidence "
        + "against its thresholds, the audit trail, and pause / resume / promote / rollback "
        + "buttons.", "Served on 127.0.0.1 only, with your credentials (or the emulators); "
        + "needs no cloud infrastructure."})
final class DashboardCommand extends OperatorCommand {
  @Option(names = "--port", defaultValue = "3100", paramLabel = "PORT",
      description = "the local port (default ${DEFAULT-VALUE}; 0: any free one)")
  int port;

  @Override
  int run(OperatorBackend b) {
    if (port < 0 || port > 65535) {
      throw new UsageProblem("--port must be 0 to 65535, got " + port);
    }
    DashboardServer server;
    try {
      server = DashboardServer.start(b, new CommandIssuer(b, ctx().env(), ctx().clock()),
          ctx().clock(), port);
    } catch (BindException e) {
      throw new OperationFailed("port " + port + " is taken: pass --port with another one (or "
          + "--port 0)");
    } catch (IOException e) {
      throw new OperationFailed("cannot serve the dashboard: " + e.getMessage(), e);
    }
    print("canaryrun dashboard on " + server.uri() + "  (project " + b.config().projectId()
        + "; Ctrl-C to stop)");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "canaryrun-dashboard-stop"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.close();
    return CanaryrunCli.OK;
  }
}
