package dev.canaryrun.backtest;

import dev.canaryrun.port.MetricsReader.RevisionKey;
import java.time.Instant;
import java.util.Objects;

/**
 * One past moment when traffic moved between two revisions of a service in one region: the
 * candidate started receiving requests while the stable revision served, and the minutes
 * during which both can be compared.
 *
 * @param start the first bucket in which the candidate served real traffic
 * @param end the end of the comparable data: when the history moved on ({@code ended})
 * @param ended how the history itself ended the comparison
 */
public record Transition(RevisionKey stable, RevisionKey candidate, Instant start, Instant end,
    HistoryEnd ended) {

  /** What the history did, as seen in the request counts. */
  public enum HistoryEnd {
    /** The stable revision stopped serving: the candidate took all traffic. */
    PROMOTED,
    /** The candidate stopped serving: it was rolled back. */
    ROLLED_BACK,
    /** Another new revision started receiving traffic. */
    SUPERSEDED,
    /** Both still served when the history ends. */
    STILL_SPLIT
  }

  public Transition {
    Objects.requireNonNull(stable, "stable");
    Objects.requireNonNull(candidate, "candidate");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(ended, "ended");
    if (!stable.location().equals(candidate.location())
        || !stable.service().equals(candidate.service())) {
      throw new IllegalArgumentException("a transition is between revisions of one service in "
          + "one region: " + stable + " vs " + candidate);
    }
    if (!end.isAfter(start)) {
      throw new IllegalArgumentException("transition end " + end + " must be after its start "
          + start);
    }
  }

  public String location() {
    return candidate.location();
  }
}
