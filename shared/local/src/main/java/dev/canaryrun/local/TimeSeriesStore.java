package dev.canaryrun.local;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * In-memory record of everything the local revisions served: the raw material from which
 * {@link LocalMonitoring} computes Cloud Run's metrics at query time. Keeping raw samples
 * (rather than pre-aggregated points) lets any alignment period and grouping be answered
 * exactly.
 */
public final class TimeSeriesStore {

  private final Clock clock;
  private final List<RequestRecord> requests = new ArrayList<>();
  private final List<UtilisationRecord> utilisations = new ArrayList<>();
  private final List<RequestBatch> batches = new ArrayList<>();
  private final List<ContainerStart> starts = new ArrayList<>();

  public TimeSeriesStore(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Clock clock() {
    return clock;
  }

  public void add(RequestRecord record) {
    Objects.requireNonNull(record, "record");
    synchronized (this) {
      requests.add(record);
    }
  }

  public void add(UtilisationRecord record) {
    Objects.requireNonNull(record, "record");
    synchronized (this) {
      utilisations.add(record);
    }
  }

  /** Adds requests served in one minute with one status and latency (a recorded history). */
  public void add(RequestBatch batch) {
    Objects.requireNonNull(batch, "batch");
    synchronized (this) {
      batches.add(batch);
    }
  }

  public void add(ContainerStart start) {
    Objects.requireNonNull(start, "start");
    synchronized (this) {
      starts.add(start);
    }
  }

  /**
   * A request reached {@code resource} now: its first instance starts here if none has
   * ({@link ContainerStart}: a cold start).
   */
  public synchronized void coldStartIfNone(RevisionKey resource) {
    if (starts.stream().noneMatch(s -> s.resource().equals(resource))) {
      starts.add(new ContainerStart(resource, ContainerStart.STARTUP_MS, clock.instant()));
    }
  }

  public synchronized List<ContainerStart> starts() {
    return List.copyOf(starts);
  }

  /** Records a request served now (by the injected clock). */
  public void recordRequest(RevisionKey resource, int statusCode, double latencyMs) {
    add(new RequestRecord(resource, statusCode, latencyMs, clock.instant()));
  }

  public synchronized List<RequestRecord> requests() {
    return List.copyOf(requests);
  }

  public synchronized List<RequestBatch> batches() {
    return List.copyOf(batches);
  }

  public synchronized List<UtilisationRecord> utilisations() {
    return List.copyOf(utilisations);
  }

  /** Requests with {@code from < at <= to}, the interval convention of end-aligned buckets. */
  public synchronized List<RequestRecord> requests(Instant from, Instant to) {
    List<RequestRecord> out = new ArrayList<>();
    for (RequestRecord r : requests) {
      if (r.at().isAfter(from) && !r.at().isAfter(to)) {
        out.add(r);
      }
    }
    return out;
  }

  public synchronized void clear() {
    requests.clear();
    utilisations.clear();
    batches.clear();
    starts.clear();
  }
}
