package dev.canaryrun.cli.ops;

import dev.canaryrun.port.RolloutStore.ServicePointer;
import dev.canaryrun.rollout.Rollout;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * The frame of every operator command: resolve the configuration, open the backend, run, and
 * turn failures into the documented exit codes (0 done, 1 the operation failed or was
 * rejected, 2 the command line is wrong) with one line naming the problem.
 */
abstract class OperatorCommand implements Callable<Integer> {
  @ParentCommand
  CanaryrunCli root;

  @Mixin
  CommonOptions common;

  abstract int run(OperatorBackend backend);

  @Override
  public final Integer call() {
    CliContext ctx = root.context();
    try (OperatorBackend backend = new OperatorBackend(ctx.config(common), ctx.clock())) {
      return run(backend);
    } catch (UsageProblem e) {
      ctx.err().println("canaryrun: " + e.getMessage());
      return CanaryrunCli.USAGE;
    } catch (OperationFailed e) {
      ctx.err().println("canaryrun: " + e.getMessage());
      return CanaryrunCli.FAILED;
    } catch (RuntimeException e) {
      // Firestore, Pub/Sub or Cloud Run said no (permissions, unavailable): say which.
      ctx.err().println("canaryrun: " + e.getClass().getSimpleName() + ": "
          + OperatorBackend.rootMessage(e));
      return CanaryrunCli.FAILED;
    }
  }

  CliContext ctx() {
    return root.context();
  }

  /** Fails with a clear message unless the project knows the service. */
  static void requireService(OperatorBackend b, String service) {
    if (!b.history().services().contains(service)) {
      throw new OperationFailed("unknown service '" + service + "' in project "
          + b.config().projectId() + ": no policies/" + service + " or services/" + service
          + " document (watched services: " + String.join(", ", b.history().services()) + ")");
    }
  }

  /** The service's rollout in flight, else its latest. */
  static Optional<Rollout> current(OperatorBackend b, String service) {
    Optional<ServicePointer> p = b.store().pointer(service);
    if (p.isEmpty()) {
      return Optional.empty();
    }
    String id = p.get().activeRolloutId() != null ? p.get().activeRolloutId()
        : p.get().lastRolloutId();
    return id == null ? Optional.empty() : b.store().find(id);
  }

  void print(String text) {
    ctx().out().println(text);
    ctx().out().flush();
  }
}
