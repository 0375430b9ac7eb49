package dev.canaryrun.gcp.run;

import com.google.api.gax.longrunning.OperationFuture;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.RevisionScaling;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetStatus;
import com.google.cloud.run.v2.UpdateServiceRequest;
import com.google.protobuf.FieldMask;
import dev.canaryrun.port.InvocationDeadline;
import dev.canaryrun.port.PermanentFailure;
import dev.canaryrun.port.TrafficRouter;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.rollout.Effect.DeployRevision;
import dev.canaryrun.rollout.Effect.LocateRevision;
import dev.canaryrun.rollout.Effect.ObserveTraffic;
import dev.canaryrun.rollout.Effect.SetTraffic;
import dev.canaryrun.gcp.smoke.Sleeper;
import dev.canaryrun.port.TrafficRouter.TakenBack;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * {@link TrafficRouter} over the Cloud Run Admin API v2.
 *
 * <p>Every change is read-modify-write of the whole service: GetService, rewrite
 * {@code template} and/or {@code traffic} (see {@link TrafficPlan} for the rules), then
 * UpdateService carrying the etag that was read, waiting (bounded) for the long-running
 * operation. If someone else changed the service in between, Cloud Run rejects the etag
 * (ABORTED, or FAILED_PRECONDITION with a changed etag); the change is then planned again
 * from a fresh read, up to {@code maxConflictAttempts} times, after which it is a
 * {@link TransientFailure} and Pub/Sub redelivery tries again later.
 *
 * <p>Traffic semantics:
 * <ul>
 *   <li>Deploy leaves today's split as it is and adds the candidate tag on a 0% target, so
 *       the candidate is reachable on its tag URL for the smoke check and nothing else.
 *   <li>{@code setTraffic(p)} gives the candidate p% of the share stable and candidate hold
 *       together; targets of other revisions keep their percent and tags.
 *   <li>At 0% the candidate keeps its tag on a 0% target: its URL keeps working after a
 *       rollback, for debugging, and a later rollout simply moves the tag.
 *   <li>At 100% the stable target is dropped (unless it carries a tag of its own, which
 *       stays on a 0% target).
 * </ul>
 *
 * <p>Every method is idempotent: a plan equal to what the service already has is not written.
 */
public final class CloudRunTrafficRouter implements TrafficRouter {

  private static final Logger LOG = Logger.getLogger(CloudRunTrafficRouter.class.getName());
  private static final int DEFAULT_CONFLICT_ATTEMPTS = 3;

  /** The split Cloud Run reports it is serving (traffic_statuses, LATEST resolved). */
  public record ServiceTraffic(Map<String, Integer> percentByRevision,
      Map<String, String> revisionByTag, Map<String, String> urlByTag) {
    public ServiceTraffic {
      percentByRevision = Map.copyOf(percentByRevision);
      revisionByTag = Map.copyOf(revisionByTag);
      urlByTag = Map.copyOf(urlByTag);
    }

    public int percentOf(String revision) {
      return percentByRevision.getOrDefault(revision, 0);
    }
  }

  private final CloudRunClients clients;
  private final String projectId;
  private final int maxConflictAttempts;
  private final Clock clock;
  private final ServiceWaiter waiter;
  private final RevisionHistory history;

  public CloudRunTrafficRouter(CloudRunClients clients, String projectId) {
    this(clients, projectId, DEFAULT_CONFLICT_ATTEMPTS);
  }

  public CloudRunTrafficRouter(CloudRunClients clients, String projectId,
      int maxConflictAttempts) {
    this(clients, projectId, maxConflictAttempts, Clock.systemUTC(), Sleeper.SYSTEM);
  }

  /**
   * @param clock measures the router's deadline ({@link CloudRunClients.Limits#operationTimeout}
   *     per call), so that it never waits past the function's own timeout
   */
  public CloudRunTrafficRouter(CloudRunClients clients, String projectId,
      int maxConflictAttempts, Clock clock, Sleeper sleeper) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.projectId = Objects.requireNonNull(projectId, "projectId");
    if (maxConflictAttempts < 1) {
      throw new IllegalArgumentException("maxConflictAttempts must be >= 1");
    }
    this.maxConflictAttempts = maxConflictAttempts;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.waiter = new ServiceWaiter(clients, clock, Objects.requireNonNull(sleeper, "sleeper"));
    this.history = new RevisionHistory(clients);
  }

  /** {@code projects/{project}/locations/{region}/services/{service}}. */
  public String serviceName(String region, String service) {
    return "projects/" + projectId + "/locations/" + region + "/services/" + service;
  }

  @Override
  public Deployment deploy(DeployRevision request) {
    String name = serviceName(request.region(), request.service());
    Instant deadline = deadline();
    return withConflictRetry("deploy", name, request.revision(),
        () -> deployOnce(request, name, deadline));
  }

  @Override
  public Deployment locate(LocateRevision request) {
    String name = serviceName(request.region(), request.service());
    // A settled read, as for a deploy: while reconciling, the statuses the stable revision is
    // picked from are transient. Only reads follow: observe-only mode writes nothing.
    Service service = waiter.settled(name, deadline());
    String candidate = request.revision();
    Revision existing = findRevision(name, candidate).orElseThrow(() -> new PermanentFailure(
        "observe: revision " + candidate + " of service " + name + " does not exist"));
    String latestReady = latestReady(service);
    String stable = TrafficPlan.largestShare(service.getTrafficStatusesList(), latestReady,
        candidate).or(() -> history.servedBefore(name, existing))
        .orElseThrow(() -> new PermanentFailure("service " + name
            + " has no revision other than " + candidate + " that serves or served traffic; "
            + "cannot tell which revision is stable"));
    String url = service.getTrafficStatusesList().stream()
        .filter(t -> TrafficPlan.shortName(t.getRevision()).equals(candidate)
            && !t.getUri().isEmpty())
        .map(TrafficTargetStatus::getUri).findFirst().orElse(null);
    return new Deployment(candidate, stable, url);
  }

  @Override
  public void setTraffic(SetTraffic request) {
    if (request.candidatePercent() < 0 || request.candidatePercent() > 100) {
      throw new PermanentFailure("candidate percent must be in [0, 100], got "
          + request.candidatePercent() + " for service " + request.service());
    }
    String name = serviceName(request.region(), request.service());
    Instant deadline = deadline();
    withConflictRetry("traffic update", name, request.candidateRevision(), () -> {
      // A settled read: while reconciling, latest_ready_revision (which LATEST resolves to)
      // is transient, and confirming a split Cloud Run has not reached would be a lie.
      Service service = waiter.settled(name, deadline);
      String latest = latestReady(service);
      List<TrafficTarget> planned = plan(name, request.candidateRevision(), () ->
          TrafficPlan.forSplit(service.getTrafficList(), latest,
              request.stableRevision(), request.candidateRevision(), request.tag(),
              request.candidatePercent(), request.stableTag()));
      if (!planned.equals(service.getTrafficList())) {
        // Taking the candidate out (rollback, supersede) is protection, not progress: it goes
        // through even over a hand-made split, as a pause never stops a rollback either.
        if (request.candidatePercent() > 0) {
          TrafficBaseline.check(service, latest);
        }
        update(TrafficBaseline.record(service.toBuilder().clearTraffic().addAllTraffic(planned),
            planned, latest).build(), request.candidateRevision(), TRAFFIC_ONLY, deadline);
      }
      return null;
    });
  }

  @Override
  public int candidatePercentServed(ObserveTraffic request) {
    return readTraffic(request.region(), request.service()).percentOf(request.candidateRevision());
  }

  /** What the service is serving now, for checks and tests. */
  public ServiceTraffic readTraffic(String region, String service) {
    String name = serviceName(region, service);
    try {
      Service s = clients.services().getService(name);
      return Revisions.served(s, latestReady(s));
    } catch (ApiException e) {
      throw RunFailures.map(e, "read", name, "-");
    }
  }

  private Deployment deployOnce(DeployRevision request, String name, Instant deadline) {
    String candidate = request.revision();
    Service service = waiter.settled(name, deadline);
    String latestReady = latestReady(service);
    Optional<Revision> existing = findRevision(name, candidate);
    boolean requested = TrafficPlan.shortName(service.getTemplate().getRevision())
        .equals(candidate);
    if (request.adopt() && existing.isEmpty()) {
      throw new PermanentFailure("adopt: revision " + candidate + " of service " + name
          + " does not exist; the build should deploy it with --no-traffic --tag "
          + request.tag());
    }
    existing.ifPresent(r -> Revisions.checkImage(request, name, r));
    Map<String, Integer> serving = TrafficBaseline.split(service.getTrafficList(), latestReady);
    int exposed = serving.getOrDefault(candidate, 0);
    // Stable is what served before this change: never the candidate, even when it is all
    // that serves now (the build deployed it and the service followed LATEST).
    String stable = TrafficPlan.largestShare(service.getTrafficStatusesList(), latestReady,
        candidate).or(() -> exposed > 0 && existing.isPresent()
            ? history.servedBefore(name, existing.get()) : Optional.empty())
        .orElseThrow(() -> new PermanentFailure("service " + name
            + " has no revision other than " + candidate + " serving traffic; "
            + "cannot tell which revision is stable"));
    TakenBack takenBack = exposed > 0
        ? new TakenBack(exposed, TrafficPlan.followsLatest(service.getTrafficList()))
        : null;
    List<TrafficTarget> planned = plan(name, candidate, () -> takenBack != null
        ? TrafficPlan.forSplit(service.getTrafficList(), latestReady, stable, candidate,
            request.tag(), 0)
        : TrafficPlan.forDeploy(service.getTrafficList(), latestReady, candidate,
            request.tag()));
    Service.Builder next = service.toBuilder().clearTraffic().addAllTraffic(planned);
    boolean create = existing.isEmpty() && !requested;
    RevisionScaling base = service.getTemplate().getScaling();
    if (create) {
      // Only the revision name, the image and the policy's candidate scaling change: env,
      // resources, service account and the rest of the template are what the stable
      // revision runs with. The scaling starts from the stable revision's own: the service's
      // template still carries the last candidate's (a rolled-back one's overrides included),
      // and a revision deployed from it would inherit them.
      base = findRevision(name, stable).map(Revision::getScaling).orElse(base);
      next.setTemplate(Revisions.withScaling(Revisions.withImage(service.getTemplate(),
          candidate, request.image(), name).toBuilder().setScaling(base).build(),
          request.scaling()));
    }
    Service result = service;
    if (create || !planned.equals(service.getTrafficList())) {
      LOG.info(() -> (create ? "creating" : takenBack != null ? "taking back" : "tagging")
          + " revision " + candidate + " of " + name + " with tag " + request.tag()
          + " at 0%; stable is " + stable);
      // A deploy starts a new baseline: whatever split it found is today's split.
      result = update(TrafficBaseline.record(next, planned, latestReady).build(), candidate,
          create ? WHOLE_SERVICE : TRAFFIC_ONLY, deadline);
    }
    if (takenBack != null) {
      LOG.warning(takenBack.describe(candidate, stable));
    }
    return new Deployment(candidate, stable, Revisions.tagUrl(result, request.tag()), takenBack,
        Revisions.scalingNote(request, candidate, create, base, existing));
  }

  private Optional<Revision> findRevision(String service, String revision) {
    InvocationDeadline.check(clock, "reading revision " + revision + " of " + service);
    try {
      return Optional.of(clients.revisions().getRevision(service + "/revisions/" + revision));
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  private static List<TrafficTarget> plan(String service, String revision,
      Supplier<List<TrafficTarget>> planner) {
    try {
      return planner.get();
    } catch (IllegalStateException e) {
      throw new PermanentFailure("service " + service + ", revision " + revision + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Traffic-only updates name their fields in the update mask (traffic, and the annotation
   * that records it: {@link TrafficBaseline}): resending the template as read
   * (with its revision name) can make Cloud Run answer 409 "revision with different
   * configuration already exists" when its stored template carries server-side defaults.
   */
  private static final FieldMask TRAFFIC_ONLY = FieldMask.newBuilder().addPaths("traffic")
      .addPaths("annotations").build();
  private static final FieldMask WHOLE_SERVICE = FieldMask.getDefaultInstance();

  /**
   * Sends the update with the etag it was read with and waits for the operation, which Cloud
   * Run completes once the service has reconciled, but never past the deadline.
   */
  private Service update(Service next, String revision, FieldMask mask, Instant deadline) {
    // No write starts past the deadline: the intent is recorded, and a write whose outcome
    // nobody waits for would only be found by the next event anyway.
    InvocationDeadline.check(clock, "Cloud Run update of " + next.getName() + " (revision "
        + revision + ")");
    UpdateServiceRequest.Builder request = UpdateServiceRequest.newBuilder().setService(next);
    if (mask.getPathsCount() > 0) {
      request.setUpdateMask(mask);
    }
    OperationFuture<Service, Service> op = clients.services().updateServiceAsync(request.build());
    long waitMillis = Math.max(0, Duration.between(clock.instant(), deadline).toMillis());
    try {
      return op.get(waitMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ApiException api) {
        throw new UpdateFailed(next.getEtag(), api);
      }
      throw new TransientFailure("Cloud Run update of " + next.getName() + " (revision "
          + revision + ") failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException | CancellationException e) {
      // The operation may still finish; the next event re-reads and sees where it got to.
      // The write is recorded at Cloud Run; the next event re-reads and confirms it.
      throw new TransientFailure("Cloud Run update of " + next.getName() + " (revision "
          + revision + ") did not finish within the router's deadline ("
          + clients.limits().operationTimeout() + " per call, and the invocation's "
          + InvocationDeadline.current().map(Instant::toString).orElse("none") + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientFailure("interrupted waiting for Cloud Run update of "
          + next.getName(), e);
    }
  }

  private <T> T withConflictRetry(String action, String service, String revision,
      Supplier<T> attempt) {
    for (int i = 1; ; i++) {
      ApiException failure;
      try {
        return attempt.get();
      } catch (UpdateFailed e) {
        failure = e.cause;
        if (RunFailures.isRevisionClash(e.cause)) {
          throw RunFailures.revisionClash(e.cause, service, revision);
        }
        if (i < maxConflictAttempts && isConflict(e, service)) {
          LOG.info("etag conflict on " + service + " (attempt " + i + " of "
              + maxConflictAttempts + "): re-reading and re-applying");
          continue;
        }
      } catch (ApiException e) {
        failure = e;
        if (i < maxConflictAttempts
            && e.getStatusCode().getCode() == StatusCode.Code.ABORTED) {
          continue;
        }
      }
      throw RunFailures.map(failure, action, service, revision);
    }
  }

  /**
   * ABORTED is Cloud Run's etag-mismatch answer. FAILED_PRECONDITION is also used for
   * genuine preconditions (a revision that is not ready), so it only counts as a conflict
   * when the service's etag really moved since the read.
   */
  private boolean isConflict(UpdateFailed e, String service) {
    StatusCode.Code code = e.cause.getStatusCode().getCode();
    if (code == StatusCode.Code.ABORTED) {
      return true;
    }
    if (code != StatusCode.Code.FAILED_PRECONDITION || e.sentEtag.isEmpty()) {
      return false;
    }
    try {
      return !clients.services().getService(service).getEtag().equals(e.sentEtag);
    } catch (ApiException ignored) {
      return false;
    }
  }

  /**
   * Each call waits at most {@link CloudRunClients.Limits#operationTimeout}, and never past
   * the invocation's one deadline ({@link InvocationDeadline}), which every other wait in the
   * invocation honours too.
   */
  private Instant deadline() {
    return InvocationDeadline.earliest(clock.instant().plus(clients.limits().operationTimeout()));
  }

  private static String latestReady(Service s) {
    return TrafficPlan.shortName(s.getLatestReadyRevision());
  }


}
