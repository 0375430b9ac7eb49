package dev.canaryrun.local;

import java.time.Instant;
import java.util.Objects;

/** One request served by a revision, as the router saw it. */
public record RequestRecord(RevisionKey resource, int statusCode, double latencyMs, Instant at) {

  public RequestRecord {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(at, "at");
    if (statusCode < 100 || statusCode > 599) {
      throw new IllegalArgumentException("statusCode must be an HTTP status, got " + statusCode);
    }
    if (!(latencyMs >= 0)) {
      throw new IllegalArgumentException("latencyMs must be >= 0, got " + latencyMs);
    }
  }

  /** The {@code response_code_class} label Cloud Run uses: "2xx", "5xx", ... */
  public String responseCodeClass() {
    return (statusCode / 100) + "xx";
  }
}
