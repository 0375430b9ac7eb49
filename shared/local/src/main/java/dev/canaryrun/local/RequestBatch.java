package dev.canaryrun.local;

import java.time.Instant;
import java.util.Objects;

/**
 * {@code count} requests a revision served with one status and latency within one minute: how a
 * recorded history ({@link RecordedHistory}) is loaded without one record per request, so days
 * of traffic fit in memory and a query over them stays fast.
 */
public record RequestBatch(RevisionKey resource, int statusCode, double latencyMs, long count,
    Instant at) {

  public RequestBatch {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(at, "at");
    if (statusCode < 100 || statusCode > 599) {
      throw new IllegalArgumentException("statusCode must be an HTTP status, got " + statusCode);
    }
    if (!(latencyMs >= 0)) {
      throw new IllegalArgumentException("latencyMs must be >= 0, got " + latencyMs);
    }
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, got " + count);
    }
  }

  public String responseCodeClass() {
    return (statusCode / 100) + "xx";
  }
}
