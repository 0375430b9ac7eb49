package dev.canaryrun.local;

import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.Service;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The local Cloud Run's stored services and revisions, guarded by the {@link LocalCloudRun}
 * lock. Revisions are keyed by their full resource name: names are unique per service and
 * region only, and the same service deployed to two regions with {@code --revision-suffix}
 * has same-named revisions.
 */
final class LocalRunState {

  static final class ServiceEntry {
    final RunNames.ServiceName name;
    final ServiceRouter router;
    Service service;
    String latestRevision;
    int revisionCount;
    /** The state being reconciled towards, while {@code service.reconciling} is true. */
    Pending pending;

    ServiceEntry(RunNames.ServiceName name, ServiceRouter router) {
      this.name = name;
      this.router = router;
    }
  }

  /** A change Cloud Run has accepted but not finished: applied at {@code readyAtNanos}. */
  record Pending(Service settled, RoutingTable table, long readyAtNanos) {}

  record RevisionEntry(Revision revision, RevisionTemplate template, RevisionServer server,
      RevisionKey key, String image) {}

  private static final char[] SUFFIX = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  final Clock clock;
  final Map<String, ServiceEntry> services = new LinkedHashMap<>();
  final Map<String, RevisionEntry> revisions = new LinkedHashMap<>();
  private final Random suffixes = new Random();
  private long etagSequence;

  LocalRunState(Clock clock) {
    this.clock = clock;
  }

  ServiceEntry entry(String serviceName) {
    ServiceEntry e = services.get(serviceName);
    if (e == null) {
      throw Status.NOT_FOUND.withDescription("service " + serviceName + " not found")
          .asRuntimeException();
    }
    return e;
  }

  /**
   * A revision by full name, or by short name when only that is known (then the first one
   * created wins: callers that may meet same-named revisions pass the full name).
   */
  RevisionEntry revision(String name) {
    RevisionEntry exact = revisions.get(name);
    if (exact != null || name.contains("/")) {
      return exact;
    }
    for (RevisionEntry e : revisions.values()) {
      if (e.key().revision().equals(name)) {
        return e;
      }
    }
    return null;
  }

  /**
   * Cloud Run's generated revision name: {@code <service>-<5 digits>-<3 lowercase letters or
   * digits>}, e.g. {@code palios-taey-00007-2gd} in a real request log.
   */
  String generatedRevision(ServiceEntry entry) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      s.append(SUFFIX[suffixes.nextInt(SUFFIX.length)]);
    }
    return String.format("%s-%05d-%s", entry.name.service(), entry.revisionCount + 1, s);
  }

  String nextEtag() {
    etagSequence++;
    return "\"local-" + Long.toHexString(etagSequence) + "\"";
  }

  Condition ready(String type) {
    return Condition.newBuilder().setType(type)
        .setState(Condition.State.CONDITION_SUCCEEDED)
        .setLastTransitionTime(now()).build();
  }

  Condition reconcilingCondition(String type) {
    return Condition.newBuilder().setType(type)
        .setState(Condition.State.CONDITION_RECONCILING)
        .setLastTransitionTime(now()).build();
  }

  Timestamp now() {
    Instant i = clock.instant();
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }
}
