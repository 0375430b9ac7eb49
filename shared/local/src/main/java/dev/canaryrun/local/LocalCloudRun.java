package dev.canaryrun.local;

import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetAllocationType;
import com.google.cloud.run.v2.TrafficTargetStatus;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Timestamp;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Cloud Run Admin v2 on one machine: services and revisions in memory, each revision a
 * real HTTP server, each service a weighted HTTP router (see {@link ServiceRouter}).
 * Served over gRPC by {@link LocalControlPlane}; also usable directly from Java (seeding,
 * behaviour overrides, concurrent-writer simulation).
 *
 * <p>All state changes happen under this object's lock, so concurrent UpdateService calls
 * serialise like they do against Cloud Run's optimistic concurrency (etag).
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
  private static final String CREATOR = "local@canaryrun.dev";

  private static final class ServiceEntry {
    final RunNames.ServiceName name;
    final ServiceRouter router;
    Service service;
    String latestRevision;
    int revisionCount;

    ServiceEntry(RunNames.ServiceName name, ServiceRouter router) {
      this.name = name;
      this.router = router;
    }
  }

  private record RevisionEntry(Revision revision, RevisionTemplate template,
      RevisionServer server, RevisionKey key, String image) {}

  private final Clock clock;
  private final TimeSeriesStore store;
  private final CallJournal calls = new CallJournal();
  private final FaultInjector faults = new FaultInjector();
  private final LocalOperations operations = new LocalOperations();
  private final ExecutorService executor;
  private final HttpClient http;
  private final Map<String, ServiceEntry> services = new LinkedHashMap<>();
  private final Map<String, RevisionEntry> revisions = new LinkedHashMap<>();
  private final Map<String, Behaviour> overrides = new ConcurrentHashMap<>();
  private final Map<String, Behaviour> images = new ConcurrentHashMap<>();
  private final Random suffixes = new Random();
  private long etagSequence;

  public LocalCloudRun(Clock clock, TimeSeriesStore store) {
    this.clock = clock;
    this.store = store;
    AtomicInteger threads = new AtomicInteger();
    // Revisions sleep to emulate latency, so HTTP needs many threads; daemon so a
    // forgotten close() never keeps a test JVM alive.
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "local-run-http-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .executor(executor)
        .build();
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

  /** Changes a service's etag (and generation) as a concurrent writer would. */
  public synchronized String bumpEtag(String serviceName) {
    ServiceEntry e = entry(serviceName);
    e.service = e.service.toBuilder()
        .setGeneration(e.service.getGeneration() + 1)
        .setObservedGeneration(e.service.getGeneration() + 1)
        .setEtag(nextEtag())
        .setUpdateTime(now())
        .build();
    return e.service.getEtag();
  }

  // ---------------------------------------------------------------- behaviour

  /** Overrides a revision's behaviour (short or full name) until cleared. */
  public void setBehaviour(String revision, Behaviour behaviour) {
    overrides.put(RunNames.shortName(revision), behaviour);
  }

  public void clearBehaviour(String revision) {
    overrides.remove(RunNames.shortName(revision));
  }

  /**
   * Gives an image (exact reference, or its digest {@code sha256:...}) a behaviour, for
   * images whose tag cannot carry one (builds push by digest).
   */
  public void defineImage(String imageOrDigest, Behaviour behaviour) {
    images.put(imageOrDigest, behaviour);
  }

  /** The behaviour a revision serves with now. */
  public Behaviour behaviour(String revision) {
    String shortName = RunNames.shortName(revision);
    Behaviour override = overrides.get(shortName);
    if (override != null) {
      return override;
    }
    RevisionEntry e;
    synchronized (this) {
      e = revisionByShortName(shortName);
    }
    return e == null ? Behaviour.healthy() : imageBehaviour(e.image());
  }

  private Behaviour imageBehaviour(String image) {
    Behaviour b = images.get(image);
    if (b == null && image.contains("@")) {
      b = images.get(image.substring(image.indexOf('@') + 1));
    }
    return b != null ? b : Behaviour.fromImage(image);
  }

  // ---------------------------------------------------------------- reads

  public synchronized Optional<Service> getService(String name) {
    ServiceEntry e = services.get(name);
    return e == null ? Optional.empty() : Optional.of(e.service);
  }

  public synchronized List<Service> services() {
    return services.values().stream().map(e -> e.service).toList();
  }

  public synchronized Optional<Revision> getRevision(String name) {
    RevisionEntry e = revisions.get(name);
    return e == null ? Optional.empty() : Optional.of(e.revision());
  }

  /** Revisions of a service, oldest first. */
  public synchronized List<Revision> revisions(String serviceName) {
    return revisions.values().stream()
        .filter(r -> r.revision().getService().equals(serviceName))
        .map(RevisionEntry::revision).toList();
  }

  synchronized List<Revision> allRevisions() {
    return revisions.values().stream().map(RevisionEntry::revision).toList();
  }

  /** The service's main URL (the weighted router). */
  public synchronized URI serviceUri(String serviceName) {
    return entry(serviceName).router.uri();
  }

  /** The URL of one of the service's traffic tags. */
  public synchronized Optional<URI> tagUri(String serviceName, String tag) {
    return entry(serviceName).router.tagUri(tag);
  }

  /** Monitoring labels of a revision (short name), if it exists. */
  public synchronized Optional<RevisionKey> revisionKey(String revision) {
    RevisionEntry e = revisionByShortName(RunNames.shortName(revision));
    return e == null ? Optional.empty() : Optional.of(e.key());
  }

  /** Monitoring labels for a service's samples when only its short name is known. */
  synchronized Optional<RunNames.ServiceName> serviceByShortName(String service) {
    return services.values().stream().map(e -> e.name)
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
      throw invalid("service_id '" + serviceId + "' must be lowercase letters, digits and "
          + "dashes, start with a letter and be at most 49 characters");
    }
    RunNames.ServiceName name =
        new RunNames.ServiceName(location.project(), location.location(), serviceId);
    if (services.containsKey(name.name())) {
      throw Status.ALREADY_EXISTS.withDescription("service " + name.name() + " already exists")
          .asRuntimeException();
    }
    ServiceRouter router;
    try {
      router = new ServiceRouter(serviceId, this::routeTarget, store, executor, http);
    } catch (IOException e) {
      throw Status.INTERNAL.withDescription("cannot open router port: " + e).asRuntimeException();
    }
    ServiceEntry entry = new ServiceEntry(name, router);
    try {
      apply(entry, requested, false);
    } catch (RuntimeException e) {
      router.close();
      throw e;
    }
    services.put(name.name(), entry);
    return entry.service;
  }

  /** UpdateService semantics (etag honoured); returns the stored service. */
  public Service updateService(Service requested) {
    return updateService(requested, List.of(), false, false);
  }

  synchronized Service updateService(Service requested, List<String> updateMask,
      boolean allowMissing, boolean validateOnly) {
    RunNames.ServiceName name = RunNames.service(requested.getName());
    ServiceEntry entry = services.get(name.name());
    if (entry == null) {
      if (allowMissing && !validateOnly) {
        return createService(name.parent().name(), name.service(),
            requested.toBuilder().clearName().build());
      }
      throw Status.NOT_FOUND.withDescription("service " + name.name() + " not found")
          .asRuntimeException();
    }
    if (!requested.getEtag().isEmpty() && !requested.getEtag().equals(entry.service.getEtag())) {
      throw Status.ABORTED.withDescription("etag mismatch: request has '" + requested.getEtag()
          + "', service " + name.name() + " is at '" + entry.service.getEtag() + "'")
          .asRuntimeException();
    }
    Service desired = updateMask.isEmpty() ? requested : masked(entry.service, requested,
        updateMask);
    return apply(entry, desired, validateOnly);
  }

  /** DeleteService semantics: stops the router and the revisions' servers. */
  public synchronized Service deleteService(String name, String etag) {
    ServiceEntry entry = entry(name);
    if (!etag.isEmpty() && !etag.equals(entry.service.getEtag())) {
      throw Status.ABORTED.withDescription("etag mismatch: request has '" + etag
          + "', service " + name + " is at '" + entry.service.getEtag() + "'")
          .asRuntimeException();
    }
    services.remove(name);
    entry.router.close();
    revisions.values().removeIf(r -> {
      if (r.revision().getService().equals(name)) {
        r.server().close();
        return true;
      }
      return false;
    });
    return entry.service.toBuilder().setDeleteTime(now()).build();
  }

  /**
   * Makes {@code desired} the state of {@code entry}: creates the revision its template
   * asks for, validates and applies traffic, fills the output-only fields.
   */
  private Service apply(ServiceEntry entry, Service desired, boolean validateOnly) {
    RevisionTemplate template = desired.getTemplate();
    Service previous = entry.service;
    String newRevision = null;
    String requestedRevision = template.getRevision();
    if (!requestedRevision.isEmpty()) {
      if (!requestedRevision.startsWith(entry.name.service() + "-")) {
        throw invalid("template.revision '" + requestedRevision + "' must be prefixed by the "
            + "service name followed by '-' (" + entry.name.service() + "-...)");
      }
      RevisionEntry existing = revisions.get(entry.name.revisionName(requestedRevision));
      if (existing == null) {
        newRevision = requestedRevision;
      } else if (!sameTemplate(existing.template(), template)) {
        throw Status.ALREADY_EXISTS.withDescription("revision " + requestedRevision
            + " already exists with a different template; name a new revision or leave "
            + "template.revision empty").asRuntimeException();
      }
    } else if (previous == null || !sameTemplate(previous.getTemplate(), template)) {
      newRevision = String.format("%s-%05d-%s", entry.name.service(), entry.revisionCount + 1,
          randomSuffix());
    }
    if (newRevision != null) {
      if (template.getContainersCount() == 0 || template.getContainers(0).getImage().isEmpty()) {
        throw invalid("template.containers[0].image is required to create a revision");
      }
      if (newRevision.length() > 63) {
        throw invalid("revision name '" + newRevision + "' is longer than 63 characters");
      }
    }
    String latest = newRevision != null ? newRevision : entry.latestRevision;
    Set<String> known = new HashSet<>();
    for (RevisionEntry r : revisions.values()) {
      if (r.revision().getService().equals(entry.name.name())) {
        known.add(r.key().revision());
      }
    }
    if (newRevision != null) {
      known.add(newRevision);
    }
    TrafficPlanner.Plan plan = TrafficPlanner.plan(entry.name.service(),
        desired.getTrafficList(), known, latest);
    long generation = previous == null ? 1 : previous.getGeneration() + 1;
    if (validateOnly) {
      return build(entry, desired, plan, generation, latest, previous, false);
    }
    if (newRevision != null) {
      createRevision(entry, newRevision, template);
      entry.revisionCount++;
      entry.latestRevision = newRevision;
    }
    try {
      entry.router.update(plan.table());
    } catch (IOException e) {
      throw Status.INTERNAL.withDescription("cannot open tag port: " + e).asRuntimeException();
    }
    entry.service = build(entry, desired, plan, generation, latest, previous, true);
    return entry.service;
  }

  private Service build(ServiceEntry entry, Service desired, TrafficPlanner.Plan plan,
      long generation, String latest, Service previous, boolean withUris) {
    Timestamp now = now();
    Service.Builder b = desired.toBuilder()
        .setName(entry.name.name())
        .setUid(previous == null ? UUID.randomUUID().toString() : previous.getUid())
        .setGeneration(generation)
        .setObservedGeneration(generation)
        .setCreateTime(previous == null ? now : previous.getCreateTime())
        .setUpdateTime(now)
        .setCreator(previous == null ? CREATOR : previous.getCreator())
        .setLastModifier(CREATOR)
        .setEtag(nextEtag())
        .setReconciling(false)
        .clearTraffic().addAllTraffic(plan.targets())
        .clearTrafficStatuses()
        .clearConditions()
        .setTerminalCondition(ready("Ready"))
        .addConditions(ready("RoutesReady"))
        .addConditions(ready("ConfigurationsReady"))
        .setLatestCreatedRevision(entry.name.revisionName(latest))
        .setLatestReadyRevision(entry.name.revisionName(latest))
        .clearUrls()
        .clearDeleteTime();
    for (TrafficTarget t : plan.targets()) {
      TrafficTargetStatus.Builder s = TrafficTargetStatus.newBuilder()
          .setType(t.getType()).setRevision(t.getRevision()).setPercent(t.getPercent())
          .setTag(t.getTag());
      if (withUris && !t.getTag().isEmpty()) {
        entry.router.tagUri(t.getTag()).ifPresent(u -> s.setUri(u.toString()));
      }
      b.addTrafficStatuses(s);
    }
    if (withUris) {
      String uri = entry.router.uri().toString();
      b.setUri(uri).addUrls(uri);
    }
    return b.build();
  }

  private void createRevision(ServiceEntry entry, String revision, RevisionTemplate template) {
    String image = template.getContainers(0).getImage();
    RevisionKey key = new RevisionKey(entry.name.project(), entry.name.location(),
        entry.name.service(), revision);
    RevisionServer server;
    try {
      server = new RevisionServer(revision, () -> behaviour(revision), executor);
    } catch (IOException e) {
      throw Status.INTERNAL.withDescription("cannot open revision port: " + e)
          .asRuntimeException();
    }
    Timestamp now = now();
    Revision.Builder r = Revision.newBuilder()
        .setName(entry.name.revisionName(revision))
        .setUid(UUID.randomUUID().toString())
        .setGeneration(1)
        .putAllLabels(template.getLabelsMap())
        .putAllAnnotations(template.getAnnotationsMap())
        .setCreateTime(now)
        .setUpdateTime(now)
        .setService(entry.name.name())
        .setScaling(template.getScaling())
        .setMaxInstanceRequestConcurrency(template.getMaxInstanceRequestConcurrency())
        .setServiceAccount(template.getServiceAccount())
        .addAllContainers(template.getContainersList())
        .addAllVolumes(template.getVolumesList())
        .setExecutionEnvironment(template.getExecutionEnvironment())
        .addConditions(ready("Ready"))
        .addConditions(ready("ContainerHealthy"))
        .addConditions(ready("ResourcesAvailable"))
        .setObservedGeneration(1)
        .setLogUri(server.uri().toString())
        .setCreator(CREATOR)
        .setEtag(nextEtag());
    if (template.hasTimeout()) {
      r.setTimeout(template.getTimeout());
    }
    revisions.put(r.getName(), new RevisionEntry(r.build(), template, server, key, image));
  }

  /** Where the router sends a request for a revision (short name). */
  private Optional<ServiceRouter.Target> routeTarget(String revision) {
    RevisionEntry e;
    synchronized (this) {
      e = revisionByShortName(revision);
    }
    return e == null ? Optional.empty()
        : Optional.of(new ServiceRouter.Target(e.key(), e.server().uri(), behaviour(revision)));
  }

  private RevisionEntry revisionByShortName(String shortName) {
    for (RevisionEntry e : revisions.values()) {
      if (e.key().revision().equals(shortName)) {
        return e;
      }
    }
    return null;
  }

  private static Service masked(Service stored, Service requested, List<String> paths) {
    Service.Builder b = stored.toBuilder();
    for (String path : paths) {
      String top = path.contains(".") ? path.substring(0, path.indexOf('.')) : path;
      FieldDescriptor f = Service.getDescriptor().findFieldByName(top);
      if (f == null) {
        throw invalid("update_mask path '" + path + "' is not a field of Service");
      }
      b.clearField(f);
      if (f.isRepeated() || requested.hasField(f)) {
        b.setField(f, requested.getField(f));
      }
    }
    return b.build();
  }

  private static boolean sameTemplate(RevisionTemplate a, RevisionTemplate b) {
    return a.toBuilder().clearRevision().build().equals(b.toBuilder().clearRevision().build());
  }

  private ServiceEntry entry(String serviceName) {
    ServiceEntry e = services.get(serviceName);
    if (e == null) {
      throw Status.NOT_FOUND.withDescription("service " + serviceName + " not found")
          .asRuntimeException();
    }
    return e;
  }

  private String randomSuffix() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      s.append((char) ('a' + suffixes.nextInt(26)));
    }
    return s.toString();
  }

  private String nextEtag() {
    etagSequence++;
    return "\"local-" + Long.toHexString(etagSequence) + "\"";
  }

  private Condition ready(String type) {
    return Condition.newBuilder().setType(type)
        .setState(Condition.State.CONDITION_SUCCEEDED)
        .setLastTransitionTime(now()).build();
  }

  private Timestamp now() {
    Instant i = clock.instant();
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  private static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }

  // ---------------------------------------------------------------- gRPC

  /** Services, Revisions and Operations, wrapped with recording and fault injection. */
  List<ServerServiceDefinition> grpcServices() {
    RecordingInterceptor interceptor = new RecordingInterceptor(calls, faults, clock);
    List<ServerServiceDefinition> out = new ArrayList<>();
    out.add(ServerInterceptors.intercept(new CloudRunServicesService(this, operations),
        interceptor));
    out.add(ServerInterceptors.intercept(new CloudRunRevisionsService(this), interceptor));
    out.add(ServerInterceptors.intercept(operations, interceptor));
    return out;
  }

  @Override
  public synchronized void close() {
    services.values().forEach(e -> e.router.close());
    revisions.values().forEach(r -> r.server().close());
    services.clear();
    revisions.clear();
    executor.shutdownNow();
  }
}
