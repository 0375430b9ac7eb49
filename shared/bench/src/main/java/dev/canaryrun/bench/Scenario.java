package dev.canaryrun.bench;

import java.util.List;
import java.util.Objects;

/**
 * One benchmark scenario, as read from its JSON file (see docs/BENCH.md for the schema).
 * Minutes count from the canary's first minute of traffic.
 */
public record Scenario(String name, int runs, double requestsPerSecond, int metricDelayMinutes,
    Revision stable, Revision canary, List<Incident> incidents, Expect expect,
    double canaryReach, Late late) {

  /** A scenario whose metric points all become visible {@code metricDelayMinutes} late. */
  public Scenario(String name, int runs, double requestsPerSecond, int metricDelayMinutes,
      Revision stable, Revision canary, List<Incident> incidents, Expect expect,
      double canaryReach) {
    this(name, runs, requestsPerSecond, metricDelayMinutes, stable, canary, incidents, expect,
        canaryReach, Late.NONE);
  }

  /** A scenario whose canary receives every request the split sends it. */
  public Scenario(String name, int runs, double requestsPerSecond, int metricDelayMinutes,
      Revision stable, Revision canary, List<Incident> incidents, Expect expect) {
    this(name, runs, requestsPerSecond, metricDelayMinutes, stable, canary, incidents, expect, 1);
  }

  public Scenario {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(stable, "stable");
    Objects.requireNonNull(canary, "canary");
    Objects.requireNonNull(expect, "expect");
    incidents = List.copyOf(incidents);
    late = late == null ? Late.NONE : late;
  }

  public Scenario withRuns(int n) {
    return new Scenario(name, n, requestsPerSecond, metricDelayMinutes, stable, canary, incidents,
        expect, canaryReach, late);
  }

  /**
   * Points that become visible after the rest of their minute's: each request of either
   * revision is, independently and with probability {@code share}, in a point that arrives
   * {@code minMinutes..maxMinutes} (uniform, whole minutes) after the minute's other points.
   * Independently of what the request returned: lateness is about when a sample was written.
   */
  public record Late(double share, int minMinutes, int maxMinutes) {
    public static final Late NONE = new Late(0, 0, 0);
  }

  /** What a correct judge does with this canary. */
  public enum Expect {
    ROLLBACK, PROMOTE;

    public String label() {
      return name().toLowerCase();
    }
  }

  /** Which revisions an incident hits. */
  public enum Affects {
    BOTH, CANARY, STABLE
  }

  /** The true behaviour of one revision: 5xx probability and log-normal latency. */
  public record Revision(double errorRate, double latencyMedianMs, double latencySigma) {}

  /**
   * Minutes {@code fromMinute..toMinute} (inclusive) during which the affected revisions
   * have {@code errorRate} (NaN: unchanged) and latency multiplied by {@code latencyFactor}.
   */
  public record Incident(int fromMinute, int toMinute, Affects affects, double errorRate,
      double latencyFactor) {
    boolean covers(int minute) {
      return minute >= fromMinute && minute <= toMinute;
    }

    boolean hits(boolean canary) {
      return affects == Affects.BOTH || (affects == Affects.CANARY) == canary;
    }
  }

  /** The revision's true behaviour in a given minute, incidents applied. */
  public Revision truth(boolean isCanary, int minute) {
    Revision base = isCanary ? canary : stable;
    double err = base.errorRate();
    double median = base.latencyMedianMs();
    for (Incident i : incidents) {
      if (i.covers(minute) && i.hits(isCanary)) {
        if (!Double.isNaN(i.errorRate())) {
          err = i.errorRate();
        }
        median *= i.latencyFactor();
      }
    }
    return new Revision(err, median, base.latencySigma());
  }
}
