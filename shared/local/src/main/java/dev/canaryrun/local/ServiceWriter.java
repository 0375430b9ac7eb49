package dev.canaryrun.local;

import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetStatus;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Timestamp;
import dev.canaryrun.local.LocalRunState.Pending;
import dev.canaryrun.local.LocalRunState.RevisionEntry;
import dev.canaryrun.local.LocalRunState.ServiceEntry;
import io.grpc.Status;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The write path of the local Cloud Run: makes a requested service the stored one, as Cloud
 * Run does. It creates the revision the template asks for, validates and plans traffic, fills
 * the output-only fields and, with a reconcile delay, models reconciliation: the new spec is
 * stored at once with {@code reconciling = true} while {@code traffic_statuses},
 * {@code latest_ready_revision} and {@code uri} keep their transient (previous) values and the
 * old split keeps serving, until the delay has passed (service.proto: those fields "will have
 * transient values" while reconciling). Callers hold the {@link LocalCloudRun} lock.
 */
final class ServiceWriter {
  static final String CREATOR = "local@canaryrun.dev";

  /** What an update stored now, and what it settles to after {@code untilSettled}. */
  record Applied(Service stored, Service settled, Duration untilSettled) {}

  /** Opens a revision's HTTP server (full revision name). */
  interface Servers {
    RevisionServer open(String fullRevisionName) throws IOException;
  }

  private final LocalRunState state;
  private final Servers servers;
  /** Where the instances a revision starts at deploy (its minimum) are recorded. */
  private final TimeSeriesStore store;
  private volatile Duration reconcileDelay = Duration.ZERO;

  ServiceWriter(LocalRunState state, Servers servers, TimeSeriesStore store) {
    this.state = state;
    this.servers = servers;
    this.store = store;
  }

  void setReconcileDelay(Duration delay) {
    reconcileDelay = delay.isNegative() ? Duration.ZERO : delay;
  }

  Duration reconcileDelay() {
    return reconcileDelay;
  }

  /** Finishes the entry's reconciliation if it is due (or {@code force}). */
  void settle(ServiceEntry entry, boolean force) {
    Pending p = entry.pending;
    if (p == null || (!force && System.nanoTime() < p.readyAtNanos())) {
      return;
    }
    entry.pending = null;
    route(entry, p.table());
    entry.service = withTagUris(entry, p.settled());
  }

  Applied apply(ServiceEntry entry, Service desired, boolean validateOnly, String modifier) {
    settle(entry, true); // a change on top of a reconciling one starts from its outcome
    RevisionTemplate template = desired.getTemplate();
    Service previous = entry.service;
    String newRevision = newRevision(entry, template, previous);
    if (newRevision != null) {
      RevisionScalingModel.validate(template); // before anything changes, as Cloud Run does
    }
    String latest = newRevision != null ? newRevision : entry.latestRevision;
    Set<String> known = new HashSet<>();
    for (RevisionEntry r : state.revisions.values()) {
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
      Service v = build(entry, desired, plan, generation, latest, previous, modifier);
      return new Applied(v, v, Duration.ZERO);
    }
    if (newRevision != null) {
      createRevision(entry, newRevision, template);
      entry.revisionCount++;
      entry.latestRevision = newRevision;
    }
    Service settled = build(entry, desired, plan, generation, latest, previous, modifier);
    Duration delay = reconcileDelay;
    if (previous == null || delay.isZero()) {
      route(entry, plan.table());
      entry.service = withTagUris(entry, settled);
      return new Applied(entry.service, entry.service, Duration.ZERO);
    }
    entry.pending = new Pending(settled, plan.table(), System.nanoTime() + delay.toNanos());
    entry.service = reconciling(settled, previous);
    return new Applied(entry.service, settled, delay);
  }

  /** The revision this template creates, or null when it names or equals an existing one. */
  private String newRevision(ServiceEntry entry, RevisionTemplate template, Service previous) {
    String requested = template.getRevision();
    String created = null;
    if (!requested.isEmpty()) {
      if (!requested.startsWith(entry.name.service() + "-")) {
        throw LocalRunState.invalid("template.revision '" + requested + "' must be prefixed by "
            + "the service name followed by '-' (" + entry.name.service() + "-...)");
      }
      RevisionEntry existing = state.revisions.get(entry.name.revisionName(requested));
      if (existing == null) {
        created = requested;
      } else if (!sameTemplate(existing.template(), template)) {
        // Cloud Run's own words (HTTP 409), seen on read-modify-write updates.
        throw Status.ALREADY_EXISTS.withDescription("Revision named '" + requested
            + "' with different configuration already exists.").asRuntimeException();
      }
    } else if (previous == null || !sameTemplate(previous.getTemplate(), template)) {
      created = state.generatedRevision(entry);
    }
    if (created != null) {
      if (template.getContainersCount() == 0 || template.getContainers(0).getImage().isEmpty()) {
        throw LocalRunState.invalid("template.containers[0].image is required to create a "
            + "revision");
      }
      if (created.length() > 63) {
        throw LocalRunState.invalid("revision name '" + created + "' is longer than 63 "
            + "characters");
      }
    }
    return created;
  }

  /** The spec is the new one; what Cloud Run reports it serves is still the old. */
  private Service reconciling(Service settled, Service previous) {
    return settled.toBuilder()
        .setReconciling(true)
        .setObservedGeneration(previous.getObservedGeneration())
        .clearTrafficStatuses().addAllTrafficStatuses(previous.getTrafficStatusesList())
        .setLatestReadyRevision(previous.getLatestReadyRevision())
        .setUri(previous.getUri())
        .clearUrls().addAllUrls(previous.getUrlsList())
        .setTerminalCondition(state.reconcilingCondition("Ready"))
        .clearConditions()
        .addConditions(state.reconcilingCondition("RoutesReady"))
        .addConditions(state.reconcilingCondition("ConfigurationsReady"))
        .build();
  }

  private Service build(ServiceEntry entry, Service desired, TrafficPlanner.Plan plan,
      long generation, String latest, Service previous, String modifier) {
    Timestamp now = state.now();
    Service.Builder b = desired.toBuilder()
        .setName(entry.name.name())
        .setUid(previous == null ? UUID.randomUUID().toString() : previous.getUid())
        .setGeneration(generation)
        .setObservedGeneration(generation)
        .setCreateTime(previous == null ? now : previous.getCreateTime())
        .setUpdateTime(now)
        .setCreator(previous == null ? modifier : previous.getCreator())
        .setLastModifier(modifier)
        .setEtag(state.nextEtag())
        .setReconciling(false)
        .clearTraffic().addAllTraffic(plan.targets())
        .clearTrafficStatuses()
        .clearConditions()
        .setTerminalCondition(state.ready("Ready"))
        .addConditions(state.ready("RoutesReady"))
        .addConditions(state.ready("ConfigurationsReady"))
        .setLatestCreatedRevision(entry.name.revisionName(latest))
        .setLatestReadyRevision(entry.name.revisionName(latest))
        .clearUrls()
        .clearDeleteTime();
    for (TrafficTarget t : plan.targets()) {
      TrafficTargetStatus.Builder s = TrafficTargetStatus.newBuilder()
          .setType(t.getType()).setRevision(t.getRevision()).setPercent(t.getPercent())
          .setTag(t.getTag());
      b.addTrafficStatuses(s);
    }
    String uri = entry.router.uri().toString();
    b.setUri(uri).addUrls(uri);
    return b.build();
  }

  private void createRevision(ServiceEntry entry, String revision, RevisionTemplate template) {
    String image = template.getContainers(0).getImage();
    RevisionKey key = new RevisionKey(entry.name.project(), entry.name.location(),
        entry.name.service(), revision);
    String fullName = entry.name.revisionName(revision);
    RevisionServer server;
    try {
      server = servers.open(fullName);
    } catch (IOException e) {
      throw Status.INTERNAL.withDescription("cannot open revision port: " + e)
          .asRuntimeException();
    }
    Timestamp now = state.now();
    Revision.Builder r = Revision.newBuilder()
        .setName(fullName)
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
        .addConditions(state.ready("Ready"))
        .addConditions(state.ready("ContainerHealthy"))
        .addConditions(state.ready("ResourcesAvailable"))
        .setObservedGeneration(1)
        .setLogUri(server.uri().toString())
        .setCreator(CREATOR)
        .setEtag(state.nextEtag());
    if (template.hasTimeout()) {
      r.setTimeout(template.getTimeout());
    }
    state.revisions.put(fullName, new RevisionEntry(r.build(), template, server, key, image));
    // A new revision is in the split or tagged (or it could not be created at 0%): its
    // minimum instances start now, before any request, as Cloud Run keeps them warm.
    for (int i = 0; i < template.getScaling().getMinInstanceCount(); i++) {
      store.add(new ContainerStart(key, ContainerStart.STARTUP_MS, store.clock().instant()));
    }
  }

  private static void route(ServiceEntry entry, RoutingTable table) {
    try {
      entry.router.update(table);
    } catch (IOException e) {
      throw Status.INTERNAL.withDescription("cannot open tag port: " + e).asRuntimeException();
    }
  }

  static Service masked(Service stored, Service requested, List<String> paths) {
    Service.Builder b = stored.toBuilder();
    for (String path : paths) {
      String top = path.contains(".") ? path.substring(0, path.indexOf('.')) : path;
      FieldDescriptor f = Service.getDescriptor().findFieldByName(top);
      if (f == null) {
        throw LocalRunState.invalid("update_mask path '" + path + "' is not a field of Service");
      }
      b.clearField(f);
      if (f.isRepeated() || requested.hasField(f)) {
        b.setField(f, requested.getField(f));
      }
    }
    return b.build();
  }

  static boolean sameTemplate(RevisionTemplate a, RevisionTemplate b) {
    return a.toBuilder().clearRevision().build().equals(b.toBuilder().clearRevision().build());
  }

  /** Tag URLs exist once the router serves the table that has the tag. */
  private static Service withTagUris(ServiceEntry entry, Service s) {
    Service.Builder b = s.toBuilder().clearTrafficStatuses();
    for (TrafficTargetStatus t : s.getTrafficStatusesList()) {
      TrafficTargetStatus.Builder status = t.toBuilder();
      if (!t.getTag().isEmpty()) {
        entry.router.tagUri(t.getTag()).ifPresent(u -> status.setUri(u.toString()));
      }
      b.addTrafficStatuses(status);
    }
    return b.build();
  }
}
