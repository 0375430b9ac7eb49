package dev.canaryrun.local;

import com.google.monitoring.v3.ListTimeSeriesRequest;
import com.google.monitoring.v3.ListTimeSeriesResponse;
import com.google.monitoring.v3.MetricServiceGrpc;
import com.google.monitoring.v3.TimeSeries;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Cloud Monitoring v3 ListTimeSeries over the {@link TimeSeriesStore}: the Cloud Run
 * request count, request latencies and container CPU / memory utilisation of the local
 * revisions, computed at query time so any alignment and grouping is exact. Tests can add
 * samples directly with {@link #record} instead of sending HTTP.
 */
public final class LocalMonitoring {

  public static final String DEFAULT_PROJECT = "local-project";
  public static final String DEFAULT_LOCATION = "us-central1";

  private final TimeSeriesStore store;
  private final LocalCloudRun run;
  private final Clock clock;
  private final CallJournal calls = new CallJournal();
  private final FaultInjector faults = new FaultInjector();
  private volatile String defaultProject = DEFAULT_PROJECT;
  private volatile String defaultLocation = DEFAULT_LOCATION;

  /** {@code run} resolves a revision's project and location for {@link #record}; may be null. */
  public LocalMonitoring(TimeSeriesStore store, LocalCloudRun run) {
    this.store = Objects.requireNonNull(store, "store");
    this.run = run;
    this.clock = store.clock();
  }

  public TimeSeriesStore store() {
    return store;
  }

  /** gRPC requests received by MetricService. */
  public CallJournal calls() {
    return calls;
  }

  /** Failures planned for the next MetricService calls (e.g. "ListTimeSeries"). */
  public FaultInjector faults() {
    return faults;
  }

  /** Project and location used by {@link #record} for revisions LocalCloudRun does not know. */
  public void setDefaults(String project, String location) {
    this.defaultProject = Objects.requireNonNull(project, "project");
    this.defaultLocation = Objects.requireNonNull(location, "location");
  }

  /**
   * Adds one request served by {@code revision} of {@code service} at {@code at}, with no
   * HTTP involved. Project and location come from the revision (or service) if
   * LocalCloudRun has it, else from {@link #setDefaults}.
   */
  public void record(String service, String revision, int statusCode, double latencyMs,
      Instant at) {
    store.add(new RequestRecord(key(service, revision), statusCode, latencyMs, at));
  }

  /** Adds one request with explicit resource labels. */
  public void record(RevisionKey resource, int statusCode, double latencyMs, Instant at) {
    store.add(new RequestRecord(resource, statusCode, latencyMs, at));
  }

  /** Adds one utilisation sample (fractions 0..1). */
  public void recordUtilisation(String service, String revision, double cpu, double memory,
      Instant at) {
    store.add(new UtilisationRecord(key(service, revision), cpu, memory, at));
  }

  /**
   * Loads a recorded history ({@link RecordedHistory}): its minutes become samples like the
   * ones the local revisions record, so every query, aligner and reducer answers over them.
   */
  public void load(RecordedHistory history) {
    history.batches().forEach(store::add);
    history.utilisations().forEach(store::add);
  }

  /** Adds one container instance started at {@code at} after {@code startupMs}. */
  public void recordStart(String service, String revision, double startupMs, Instant at) {
    store.add(new ContainerStart(key(service, revision), startupMs, at));
  }

  /** Answers a ListTimeSeries request in-process (same code path as gRPC, without paging). */
  public List<TimeSeries> query(ListTimeSeriesRequest request) {
    return TimeSeriesQuery.run(request, store.requests(), store.batches(),
        store.utilisations(), store.starts());
  }

  /** The monitoring labels {@link #record} would use for this revision. */
  public RevisionKey key(String service, String revision) {
    if (run != null) {
      var known = run.revisionKey(revision);
      if (known.isPresent() && known.get().service().equals(service)) {
        return known.get();
      }
      var svc = run.serviceByShortName(service);
      if (svc.isPresent()) {
        return new RevisionKey(svc.get().project(), svc.get().location(), service,
            RunNames.shortName(revision));
      }
    }
    return new RevisionKey(defaultProject, defaultLocation, service,
        RunNames.shortName(revision));
  }

  ServerServiceDefinition grpcService() {
    return ServerInterceptors.intercept(new MetricService(),
        new RecordingInterceptor(calls, faults, clock));
  }

  private final class MetricService extends MetricServiceGrpc.MetricServiceImplBase {
    @Override
    public void listTimeSeries(ListTimeSeriesRequest request,
        StreamObserver<ListTimeSeriesResponse> out) {
      Unary.answer(out, () -> {
        List<TimeSeries> all = query(request);
        // Pages hold whole series; the token is the index of the next series.
        int start = Unary.pageStart(request.getPageToken());
        int size = Unary.pageSize(request.getPageSize(), 10_000);
        int end = Math.min(all.size(), start + size);
        ListTimeSeriesResponse.Builder b = ListTimeSeriesResponse.newBuilder();
        if (start < end) {
          b.addAllTimeSeries(all.subList(start, end));
        }
        if (end < all.size()) {
          b.setNextPageToken(Integer.toString(end));
        }
        if (!request.getAggregation().getCrossSeriesReducer().equals(
            com.google.monitoring.v3.Aggregation.Reducer.REDUCE_NONE)
            || request.getAggregation().getPerSeriesAligner()
            != com.google.monitoring.v3.Aggregation.Aligner.ALIGN_NONE) {
          b.setUnit(all.isEmpty() ? "" : all.get(0).getUnit());
        }
        return b.build();
      });
    }
  }
}
