package dev.canaryrun.cli.ops;

import dev.canaryrun.port.RolloutStore.ServicePointer;
import dev.canaryrun.rollout.Rollout;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
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
          + "@REGION document (watched services: " + String.join(", ", b.history().services()) + ")");
    }
  }

  /**
   * The service's rollout in flight, else its latest: in the configured region when one is
   * set, else in the only region it has rollouts in; in several, the in-flight one (the
   * newest rollout when none is, or more than one is).
   */
  static Optional<Rollout> current(OperatorBackend b, String service) {
    Optional<ServicePointer> p = pointer(b, service);
    if (p.isEmpty()) {
      return Optional.empty();
    }
    String id = p.get().activeRolloutId() != null ? p.get().activeRolloutId()
        : p.get().lastRolloutId();
    return id == null ? Optional.empty() : b.store().find(id);
  }

  /** The pointer {@link #current} reads (the pointers are per service and region). */
  static Optional<ServicePointer> pointer(OperatorBackend b, String service) {
    String region = b.config().region();
    if (region != null && !region.isBlank()) {
      Optional<ServicePointer> inRegion = b.store().pointer(service, region);
      if (inRegion.isPresent()) {
        return inRegion;
      }
    }
    List<ServicePointer> all = b.store().pointers(service);
    List<ServicePointer> live = all.stream().filter(x -> x.activeRolloutId() != null).toList();
    List<ServicePointer> pick = live.size() == 1 ? live : all;
    return pick.stream().max(Comparator.comparing((ServicePointer x) -> createdAt(b,
        x.activeRolloutId() != null ? x.activeRolloutId() : x.lastRolloutId())));
  }

  private static Instant createdAt(OperatorBackend b, String id) {
    return id == null ? Instant.MIN
        : b.store().find(id).map(Rollout::createdAt).orElse(Instant.MIN);
  }

  void print(String text) {
    ctx().out().println(text);
    ctx().out().flush();
  }
}
