package dev.canaryrun.local;

import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.Service;
import dev.canaryrun.local.LocalRunState.RevisionEntry;
import dev.canaryrun.local.LocalRunState.ServiceEntry;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Cloud Run Admin v2 on one machine: services and revisions in memory, each revision a
 * real HTTP server, each service a weighted HTTP router (see {@link ServiceRouter}).
 * Served over gRPC by {@link LocalControlPlane}; also usable directly from Java (seeding,
 * behaviour overrides, concurrent-writer simulation).
 *
 * <p>All state changes happen under this object's lock, so concurrent UpdateService calls
 * serialise like they do against Cloud Run's optimistic concurrency (etag). The write path
 * and its model of reconciliation are {@link ServiceWriter}'s; the stored state is
 * {@link LocalRunState}'s.
 */
public final class LocalCloudRun implements AutoCloseable {

  static {
    // Without TCP_NODELAY the JDK HTTP server's small responses meet delayed ACKs and every
    // proxied request costs ~40 ms; the property is read once, before the first server.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private static final Pattern SERVICE_ID = Pattern.compile("[a-z]([-a-z0-9]{0,47}[a-z0-9])?");

  private final Clock clock;
  private final TimeSeriesStore store;
  private final CallJournal calls = new CallJournal();
  private final FaultInjector faults = new FaultInjector();
  private final LocalOperations operations = new LocalOperations();
  private final ExecutorService executor;
  private final ScheduledExecutorService settler;
  private final HttpClient http;
  private final LocalRunState state;
  private final ServiceWriter writer;
  private final Behaviours behaviours = new Behaviours();
  private final AtomicInteger revisionClashes = new AtomicInteger();

  public LocalCloudRun(Clock clock, TimeSeriesStore store) {
    this.clock = clock;
    this.store = store;
    this.state = new LocalRunState(clock);
    AtomicInteger threads = new AtomicInteger();
    // Revisions sleep to emulate latency, so HTTP needs many threads; daemon so a
    // forgotten close() never keeps a test JVM alive.
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "local-run-http-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.settler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "local-run-reconcile");
      t.setDaemon(true);
      return t;
    });
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .executor(executor)
        .build();
    this.writer = new ServiceWriter(state,
        fullName -> new RevisionServer(RunNames.shortName(fullName),
            () -> behaviour(fullName), executor), store);
  }

  // ---------------------------------------------------------------- test support

  /** gRPC requests received by Services, Revisions and Operations. */
  public CallJournal calls() {
    return calls;
  }

  /** Failures planned for the next gRPC calls (method names e.g. "UpdateService"). */
  public FaultInjector faults() {
    return faults;
  }

  /**
   * The next {@code times} UpdateService calls find the service changed by "someone else"
   * just before they are handled: its etag moves, so a request carrying the etag it read
   * fails with ABORTED, exactly like a lost optimistic-concurrency race.
   */
  public void concurrentUpdateBeforeNext(int times) {
    faults.beforeNext("UpdateService", times, request -> {
      String name = ((com.google.cloud.run.v2.UpdateServiceRequest) request)
          .getService().getName();
      if (getService(name).isPresent()) {
        bumpEtag(name);
      }
    });
  }

  /** Long-running operations report done only after this much wall time (default 0). */
  public void setOperationDelay(Duration delay) {
    operations.setCompletionDelay(delay);
  }

  /**
   * Every later update of an existing service reconciles for this much wall time (default 0:
   * at once): meanwhile the service reads {@code reconciling = true} with the old
   * traffic_statuses, latest_ready_revision and uri, the old split keeps serving, and the
   * UpdateService operation is not done.
   */
  public void setReconcileDelay(Duration delay) {
    writer.setReconcileDelay(delay);
  }

  /**
   * The next {@code times} UpdateService calls that carry a template fail as Cloud Run's
   * occasional 409 does on read-modify-write updates: ABORTED, "Revision named '...' with
   * different configuration already exists."
   */
  public void revisionClashNext(int times) {
    revisionClashes.set(times);
  }

  /** Changes a service's etag (and generation) as a concurrent writer would. */
  public synchronized String bumpEtag(String serviceName) {
    ServiceEntry e = state.entry(serviceName);
    e.service = e.service.toBuilder()
        .setGeneration(e.service.getGeneration() + 1)
        .setObservedGeneration(e.service.getGeneration() + 1)
        .setEtag(state.nextEtag())
        .setUpdateTime(state.now())
        .build();
    return e.service.getEtag();
  }

  // ---------------------------------------------------------------- behaviour

  /** Overrides a revision's behaviour (short or full name) until cleared. */
  public void setBehaviour(String revision, Behaviour behaviour) {
    behaviours.override(revision, behaviour);
  }

  public void clearBehaviour(String revision) {
    behaviours.clear(revision);
  }

  /** Gives an image (exact reference, or its digest {@code sha256:...}) a behaviour. */
  public void defineImage(String imageOrDigest, Behaviour behaviour) {
    behaviours.defineImage(imageOrDigest, behaviour);
  }

  /** The behaviour a revision (short or full name) serves with now. */
  public Behaviour behaviour(String revision) {
    RevisionEntry e;
    synchronized (this) {
      e = state.revision(revision);
    }
    return behaviours.of(revision, e == null ? null : e.image());
  }

  // ---------------------------------------------------------------- reads

  public synchronized Optional<Service> getService(String name) {
    ServiceEntry e = state.services.get(name);
    if (e == null) {
      return Optional.empty();
    }
    writer.settle(e, false);
    return Optional.of(e.service);
  }

  public synchronized List<Service> services() {
    state.services.values().forEach(e -> writer.settle(e, false));
    return state.services.values().stream().map(e -> e.service).toList();
  }

  public synchronized Optional<Revision> getRevision(String name) {
    RevisionEntry e = state.revisions.get(name);
    return e == null ? Optional.empty() : Optional.of(RevisionScalingModel.reported(e.revision(), state));
  }

  /** Revisions of a service, oldest first. */
  public synchronized List<Revision> revisions(String serviceName) {
    return state.revisions.values().stream()
        .filter(r -> r.revision().getService().equals(serviceName))
        .map(e -> RevisionScalingModel.reported(e.revision(), state)).toList();
  }

  synchronized List<Revision> allRevisions() {
    return state.revisions.values().stream().map(e -> RevisionScalingModel.reported(e.revision(), state)).toList();
  }

  /** The service's main URL (the weighted router). */
  public synchronized URI serviceUri(String serviceName) {
    return state.entry(serviceName).router.uri();
  }

  /** The URL of one of the service's traffic tags. */
  public synchronized Optional<URI> tagUri(String serviceName, String tag) {
    return state.entry(serviceName).router.tagUri(tag);
  }

  /**
   * Monitoring labels of a revision, if it exists. Pass the full name when the same short
   * name may exist in several regions.
   */
  public synchronized Optional<RevisionKey> revisionKey(String revision) {
    RevisionEntry e = state.revision(revision);
    return e == null ? Optional.empty() : Optional.of(e.key());
  }

  /** Monitoring labels for a service's samples when only its short name is known. */
  synchronized Optional<RunNames.ServiceName> serviceByShortName(String service) {
    return state.services.values().stream().map(e -> e.name)
        .filter(n -> n.service().equals(service)).findFirst();
  }

  // ---------------------------------------------------------------- writes

  /** Creates a service that runs {@code image} with 100% of traffic on its first revision. */
  public Service createService(String parent, String serviceId, String image) {
    return createService(parent, serviceId, Service.newBuilder()
        .setTemplate(RevisionTemplate.newBuilder()
            .addContainers(Container.newBuilder().setImage(image)))
        .build());
  }

  /** CreateService semantics; returns the stored service. */
  public synchronized Service createService(String parent, String serviceId, Service requested) {
    RunNames.Location location = RunNames.location(parent);
    if (!SERVICE_ID.matcher(serviceId).matches()) {
      throw LocalRunState.invalid("service_id '" + serviceId + "' must be lowercase letters, "
          + "digits and dashes, start with a letter and be at most 49 characters");
    }
    RunNames.ServiceName name =
        new RunNames.ServiceName(location.project(), location.location(), serviceId);
    if (state.services.containsKey(name.name())) {
      throw Status.ALREADY_EXISTS.withDescription("service " + name.name() + " already exists")
          .asRuntimeException();
    }
    ServiceRouter router;
    try {
      router = new ServiceRouter(serviceId, revision -> routeTarget(name, revision), store,
          executor, http);
    } catch (IOException e) {
      throw Status.INTERNAL.withDescription("cannot open router port: " + e).asRuntimeException();
    }
    ServiceEntry entry = new ServiceEntry(name, router);
    try {
      writer.apply(entry, requested, false, ServiceWriter.CREATOR);
    } catch (RuntimeException e) {
      router.close();
      throw e;
    }
    state.services.put(name.name(), entry);
    return entry.service;
  }

  /** UpdateService semantics (etag honoured when enforced); returns the stored service. */
  public Service updateService(Service requested) {
    return updateService(requested, List.of(), false, false).stored();
  }

  /**
   * UpdateService as {@code principal} (Cloud Run's last_modifier): a person's {@code gcloud
   * run services update-traffic}, a console deploy, a continuous-deployment build.
   */
  public Service updateServiceAs(String principal, Service requested, List<String> updateMask) {
    return updateService(requested, updateMask, false, false, principal).stored();
  }

  /**
   * Whether UpdateService refuses a request carrying a stale etag (default true). No public
   * source shows the v2 API doing so, so canaryrun must be right without it: tests turn it off.
   */
  public void setEtagEnforced(boolean enforced) {
    etagEnforced = enforced;
  }

  private volatile boolean etagEnforced = true;
  ServiceWriter.Applied updateService(Service requested, List<String> updateMask,
      boolean allowMissing, boolean validateOnly) {
    return updateService(requested, updateMask, allowMissing, validateOnly,
        ServiceWriter.CREATOR);
  }

  private synchronized ServiceWriter.Applied updateService(Service requested,
      List<String> updateMask, boolean allowMissing, boolean validateOnly, String principal) {
    RunNames.ServiceName name = RunNames.service(requested.getName());
    ServiceEntry entry = state.services.get(name.name());
    if (entry == null) {
      if (allowMissing && !validateOnly) {
        Service created = createService(name.parent().name(), name.service(),
            requested.toBuilder().clearName().build());
        return new ServiceWriter.Applied(created, created, Duration.ZERO);
      }
      throw Status.NOT_FOUND.withDescription("service " + name.name() + " not found")
          .asRuntimeException();
    }
    writer.settle(entry, false);
    if (etagEnforced && !requested.getEtag().isEmpty()
        && !requested.getEtag().equals(entry.service.getEtag())) {
      throw Status.ABORTED.withDescription("etag mismatch: request has '" + requested.getEtag()
          + "', service " + name.name() + " is at '" + entry.service.getEtag() + "'")
          .asRuntimeException();
    }
    boolean sendsTemplate = updateMask.isEmpty() || updateMask.contains("template");
    if (sendsTemplate && revisionClashes.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      String revision = requested.getTemplate().getRevision().isEmpty()
          ? RunNames.shortName(entry.service.getLatestCreatedRevision())
          : requested.getTemplate().getRevision();
      throw Status.ABORTED.withDescription("Revision named '" + revision
          + "' with different configuration already exists.").asRuntimeException();
    }
    Service desired = updateMask.isEmpty() ? requested
        : ServiceWriter.masked(entry.service, requested, updateMask);
    ServiceWriter.Applied applied = writer.apply(entry, desired, validateOnly, principal);
    if (!applied.untilSettled().isZero()) {
      settler.schedule(() -> {
        synchronized (this) {
          writer.settle(entry, false);
        }
      }, applied.untilSettled().toNanos() + 1_000_000, TimeUnit.NANOSECONDS);
    }
    return applied;
  }

  /** DeleteService semantics: stops the router and the revisions' servers. */
  public synchronized Service deleteService(String name, String etag) {
    ServiceEntry entry = state.entry(name);
    if (etagEnforced && !etag.isEmpty() && !etag.equals(entry.service.getEtag())) {
      throw Status.ABORTED.withDescription("etag mismatch: request has '" + etag
          + "', service " + name + " is at '" + entry.service.getEtag() + "'")
          .asRuntimeException();
    }
    state.services.remove(name);
    entry.router.close();
    state.revisions.values().removeIf(r -> {
      if (r.revision().getService().equals(name)) {
        r.server().close();
        return true;
      }
      return false;
    });
    return entry.service.toBuilder().setDeleteTime(state.now()).build();
  }

  /** Where a service's router sends a request for one of its revisions (short name). */
  private Optional<ServiceRouter.Target> routeTarget(RunNames.ServiceName service,
      String revision) {
    RevisionEntry e;
    String fullName = service.revisionName(revision);
    synchronized (this) {
      e = state.revisions.get(fullName);
    }
    return e == null ? Optional.empty()
        : Optional.of(new ServiceRouter.Target(e.key(), e.server().uri(), behaviour(fullName)));
  }

  // ---------------------------------------------------------------- gRPC

  /** Services, Revisions and Operations, wrapped with recording and fault injection. */
  List<ServerServiceDefinition> grpcServices(LocalIam iam) {
    RecordingInterceptor interceptor = new RecordingInterceptor(calls, faults, clock);
    List<ServerServiceDefinition> out = new ArrayList<>();
    out.add(ServerInterceptors.intercept(new CloudRunServicesService(this, operations, iam),
        interceptor));
    out.add(ServerInterceptors.intercept(new CloudRunRevisionsService(this), interceptor));
    out.add(ServerInterceptors.intercept(operations, interceptor));
    return out;
  }

  @Override
  public synchronized void close() {
    state.services.values().forEach(e -> e.router.close());
    state.revisions.values().forEach(r -> r.server().close());
    state.services.clear();
    state.revisions.clear();
    settler.shutdownNow();
    executor.shutdownNow();
  }
}
