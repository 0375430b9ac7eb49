package dev.canaryrun.local;

import java.time.Instant;
import java.util.Objects;

/** One sample of a revision's container CPU and memory utilisation (fractions 0..1). */
public record UtilisationRecord(RevisionKey resource, double cpu, double memory, Instant at) {

  public UtilisationRecord {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(at, "at");
    if (!(cpu >= 0 && cpu <= 1) || !(memory >= 0 && memory <= 1)) {
      throw new IllegalArgumentException("utilisation must be in [0, 1], got cpu=" + cpu
          + " memory=" + memory);
    }
  }
}
