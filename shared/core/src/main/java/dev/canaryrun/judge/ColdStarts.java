package dev.canaryrun.judge;

import java.util.List;
import java.util.OptionalDouble;

/**
 * The verdict's note that the candidate was still cold in the minutes it was judged on:
 * instances started in them (Cloud Run's startup latencies), with their mean startup time and
 * the mean instance counts of both revisions. A cold candidate is slower for reasons that are
 * not a regression (the policy's {@code latencyWarmupSeconds} and {@code candidateScaling}
 * exist for it), so the explanation says so with the numbers; it changes no test.
 */
final class ColdStarts {
  private ColdStarts() {}

  /** "; candidate still cold: ..." or empty when no candidate instance started. */
  static String note(List<BucketSelection.Pair> pairs) {
    long starts = 0;
    double startup = 0;
    double canaryInstances = 0;
    double stableInstances = 0;
    int canaryMinutes = 0;
    int stableMinutes = 0;
    for (BucketSelection.Pair p : pairs) {
      ContainerActivity c = p.canary().containers();
      starts += c.starts();
      startup += c.startupMillis();
      if (c.instances().isPresent()) {
        canaryInstances += c.instances().getAsDouble();
        canaryMinutes++;
      }
      OptionalDouble s = p.stable().containers().instances();
      if (s.isPresent()) {
        stableInstances += s.getAsDouble();
        stableMinutes++;
      }
    }
    if (starts == 0) {
      return "";
    }
    return "; candidate still cold: " + starts + " instance start" + (starts == 1 ? "" : "s")
        + " in the judged minutes (mean startup " + Fmt.num(startup / starts) + " ms)"
        + (canaryMinutes == 0 ? "" : ", " + Fmt.num(canaryInstances / canaryMinutes)
            + " instances on average")
        + (stableMinutes == 0 ? "" : " vs stable " + Fmt.num(stableInstances / stableMinutes));
  }
}
