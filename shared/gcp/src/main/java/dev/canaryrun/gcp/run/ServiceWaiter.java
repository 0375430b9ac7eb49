package dev.canaryrun.gcp.run;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.run.v2.Service;
import dev.canaryrun.gcp.smoke.Sleeper;
import dev.canaryrun.port.TransientFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Reads a service once it has settled. While {@code reconciling} is true, Cloud Run's
 * {@code traffic_statuses}, {@code latest_ready_revision} and {@code uri} "will have transient
 * values" (service.proto), so nothing the router decides may rest on them. The wait never goes
 * past the caller's deadline: past it, the router gives up with a {@link TransientFailure} and
 * the intent stays recorded, so the next event (traffic is level-triggered) confirms it.
 */
final class ServiceWaiter {
  private static final Duration POLL = Duration.ofMillis(500);

  private final CloudRunClients clients;
  private final Clock clock;
  private final Sleeper sleeper;

  ServiceWaiter(CloudRunClients clients, Clock clock, Sleeper sleeper) {
    this.clients = clients;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** GetService until it is not reconciling, or the deadline. */
  Service settled(String name, Instant deadline) {
    for (int polls = 0; ; polls++) {
      Service s;
      try {
        s = clients.services().getService(name);
      } catch (ApiException e) {
        throw RunFailures.map(e, "read", name, "-");
      }
      if (!s.getReconciling()) {
        return s;
      }
      Duration left = Duration.between(clock.instant(), deadline);
      if (left.compareTo(POLL) < 0) {
        throw new TransientFailure("service " + name + " is still reconciling (generation "
            + s.getGeneration() + ", observed " + s.getObservedGeneration() + ") after "
            + polls + " polls; its traffic statuses are transient, so canaryrun stops here"
            + " within its deadline and the next event reads it again");
      }
      try {
        sleeper.sleep(POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TransientFailure("interrupted waiting for " + name + " to reconcile", e);
      }
    }
  }
}
