package dev.canaryrun.judge;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds, in a tick's input, the points that arrived for buckets the judge has already
 * consumed ({@link LateData}), and afterwards records what it has seen of them. A late part
 * is the excess of the bucket as read now over the bucket as seen before, statistic by
 * statistic; a redelivered tick, or a re-read with nothing new, finds no excess.
 *
 * <p>Why a late part is a valid observation: the tests condition on each observation's
 * exposure (requests) and total events (see {@link RatioEvidence}). Points are late because
 * of when a revision's sample was written, not because of what the requests in it returned,
 * so the late part of a minute is a thinning of its requests: Poisson with the same rates,
 * independent of the part seen before. Its likelihood ratio then has expectation at most one
 * under the null given the past, as a whole bucket's has. This assumes a sample's 5xx
 * arrive with its requests (Cloud Run writes a revision's sample as one batch); 5xx arriving
 * without their requests are clamped to the requests that arrived with them.
 */
final class LatePoints {
  private LatePoints() {}

  /** One consumed bucket as the input has it now. */
  record Read(long start, MetricBucket canary, MetricBucket stable) {
    double slow(boolean canaryRevision, double thresholdMs) {
      return thresholdMs > 0
          ? (canaryRevision ? canary : stable).latency().countAtOrAbove(thresholdMs) : 0;
    }
  }

  /**
   * The part of a consumed bucket that arrived since the last tick.
   *
   * @param thisStep whether the bucket was consumed in the current step
   * @param canarySlow per quantile, canary requests at or above the threshold; NaN where
   *     the bucket's earlier counts were taken at another threshold (not comparable)
   */
  record Delta(long start, boolean thisStep, RequestCounts canary, RequestCounts stable,
      long canaryTimed, long stableTimed, double[] canarySlow, double[] stableSlow,
      boolean sameBounds) {
    double requests() {
      return canary.total() + stable.total();
    }
  }

  /** What a tick found: the late parts to count, those too late, and every bucket read. */
  record Scan(List<Delta> counted, double droppedRequests, List<Read> reads,
      Set<Long> deferred) {
    double countedRequests() {
      return counted.stream().mapToDouble(Delta::requests).sum();
    }
  }

  /**
   * The late parts in {@code in} for buckets consumed before {@code consumedUntil}, at the
   * latency thresholds of {@code e}.
   */
  static Scan scan(SequentialEvidence e, Instant consumedUntil, JudgeInput in) {
    LateData late = e.late();
    long until = consumedUntil.getEpochSecond();
    long countFrom = until - LateData.LOOKBACK.toSeconds();
    long readFrom = Math.max(late.trackedFromSecond(), until - LateData.READ_BACK.toSeconds());
    Map<Long, SeenMinute> seen = new TreeMap<>();
    late.seen().forEach(m -> seen.put(m.start(), m));
    List<Read> reads = reads(in, readFrom, until);
    long waitFrom = until - LateData.PAIRING_WAIT.toSeconds();
    List<Delta> counted = new ArrayList<>();
    Set<Long> deferred = new HashSet<>();
    double dropped = 0;
    for (Read r : reads) {
      SeenMinute before = seen.getOrDefault(r.start(), SeenMinute.nothing(r.start()));
      Delta d = delta(r, before, e, r.start() >= late.stepFromSecond());
      if (d.requests() == 0 && d.canaryTimed() == 0 && d.stableTimed() == 0) {
        continue;
      }
      if (r.start() < countFrom) {
        dropped += d.requests(); // later than the look-back: reported, not counted
      } else if (oneSided(d) && r.start() >= waitFrom) {
        // Points of one revision alone compare with nothing (the test conditions on both
        // revisions' exposure): left unseen for a while, to be counted with the other
        // revision's late points of the same bucket if they come. Whether to wait depends
        // on exposures only, never on outcomes, so the tests stay valid.
        deferred.add(r.start());
      } else {
        counted.add(d);
      }
    }
    return new Scan(counted, dropped, reads, deferred);
  }

  /**
   * The state after a tick: the tracked buckets as seen now (the ones re-read, merged; the
   * ones consumed this tick, as read), at the thresholds {@code e} ends the tick with.
   */
  static LateData record(SequentialEvidence e, Scan scan, List<BucketSelection.Pair> consumed,
      Instant consumedUntil) {
    LateData late = e.late();
    long tracked = late.trackedFromSecond();
    TreeMap<Long, SeenMinute> seen = new TreeMap<>();
    late.seen().forEach(m -> seen.put(m.start(), m));
    for (Read r : scan.reads()) {
      if (scan.deferred().contains(r.start())) {
        continue; // still unseen: counted at a later tick
      }
      seen.put(r.start(), merge(seen.getOrDefault(r.start(), SeenMinute.nothing(r.start())),
          r, e));
    }
    for (BucketSelection.Pair p : consumed) {
      long start = p.start().getEpochSecond();
      seen.put(start, merge(SeenMinute.nothing(start), new Read(start, p.canary(), p.stable()),
          e));
    }
    long keepFrom = consumedUntil.getEpochSecond() - LateData.READ_BACK.toSeconds();
    seen.headMap(keepFrom).clear();
    seen.values().removeIf(LatePoints::empty); // implicit: consumed with nothing in it
    while (seen.size() > LateData.MAX_SEEN) {
      // Evicted before its look-back ends: stop tracking it and all before it, so that its
      // old points never read as new.
      tracked = Math.max(tracked, seen.pollFirstEntry().getKey() + 1);
    }
    return late.withSeen(tracked, new ArrayList<>(seen.values()),
        late.countedRequests() + scan.countedRequests(),
        late.droppedRequests() + scan.droppedRequests());
  }

  /** The verdict's sentence on late points (empty while there were none). */
  static String note(LateData late, Scan scan) {
    if (late.countedRequests() == 0 && late.droppedRequests() == 0) {
      return "";
    }
    return "; late points: " + Fmt.num(scan.countedRequests()) + " requests counted this tick"
        + " for " + scan.counted().size() + " bucket(s) already judged, "
        + Fmt.num(late.countedRequests()) + " over the rollout; "
        + Fmt.num(late.droppedRequests()) + " dropped (more than "
        + LateData.LOOKBACK.toMinutes() + " min after their bucket was judged)";
  }

  private static List<Read> reads(JudgeInput in, long from, long until) {
    Map<Long, MetricBucket> canary = byStart(in.canary(), from, until, in.finalUntil());
    Map<Long, MetricBucket> stable = byStart(in.stable(), from, until, in.finalUntil());
    TreeMap<Long, Read> out = new TreeMap<>();
    canary.forEach((s, b) -> out.put(s, new Read(s, b, stable.getOrDefault(s,
        MetricBucket.empty(b.start(), b.end())))));
    stable.forEach((s, b) -> out.putIfAbsent(s, new Read(s, MetricBucket.empty(b.start(),
        b.end()), b)));
    return new ArrayList<>(out.values());
  }

  private static Map<Long, MetricBucket> byStart(List<MetricBucket> buckets, long from,
      long until, Instant finalUntil) {
    Map<Long, MetricBucket> out = new TreeMap<>();
    for (MetricBucket b : buckets) {
      long s = b.start().getEpochSecond();
      if (s >= from && s < until && !b.end().isAfter(finalUntil)) {
        out.putIfAbsent(s, b); // a duplicate of the same window: the first wins, as in selection
      }
    }
    return out;
  }

  private static Delta delta(Read r, SeenMinute before, SequentialEvidence e, boolean thisStep) {
    ErrorTally b = before.requests();
    RequestCounts c = counts(r.canary().requests(), b.canaryRequests(), b.canaryErrors());
    RequestCounts s = counts(r.stable().requests(), b.stableRequests(), b.stableErrors());
    long ct = excess(r.canary().latency().total(), before.canaryTimed());
    long st = excess(r.stable().latency().total(), before.stableTimed());
    int n = LatencyTest.QUANTILES.length;
    if (c.total() == 0 && s.total() == 0 && ct == 0 && st == 0) {
      // Nothing new (the common case, every tick for every bucket of the look-back): the
      // slow counts are bounded by the timed ones, so there is no need to count them.
      return new Delta(r.start(), thisStep, c, s, 0, 0, new double[n], new double[n], true);
    }
    double[] cs = new double[n];
    double[] ss = new double[n];
    boolean nothingTimed = before.canaryTimed() == 0 && before.stableTimed() == 0;
    for (int q = 0; q < n; q++) {
      double t = e.quantile(q).thresholdMs();
      if (t > 0 && (nothingTimed || before.threshold(q) == t)) {
        cs[q] = Math.min(ct, excess(r.slow(true, t), SeenMinute.at(before.canarySlow(), q)));
        ss[q] = Math.min(st, excess(r.slow(false, t), SeenMinute.at(before.stableSlow(), q)));
      } else {
        cs[q] = Double.NaN;
        ss[q] = Double.NaN;
      }
    }
    boolean sameBounds = r.canary().latency().bounds().equals(r.stable().latency().bounds());
    return new Delta(r.start(), thisStep, c, s, ct, st, cs, ss, sameBounds);
  }

  private static boolean oneSided(Delta d) {
    return (d.canary().total() > 0) != (d.stable().total() > 0)
        || (d.canaryTimed() > 0) != (d.stableTimed() > 0);
  }

  /** The new requests and 5xx, the 5xx clamped to the requests that came with them. */
  private static RequestCounts counts(RequestCounts now, double requests, double errors) {
    long n = excess(now.total(), requests);
    long x = Math.min(n, excess(now.c5xx(), errors));
    return new RequestCounts(n - x, 0, 0, x);
  }

  private static long excess(double now, double before) {
    return (long) Math.max(0, now - before);
  }

  private static SeenMinute merge(SeenMinute m, Read r, SequentialEvidence e) {
    ErrorTally b = m.requests();
    RequestCounts c = r.canary().requests();
    RequestCounts s = r.stable().requests();
    if (unchanged(m, r, e)) {
      return m; // the common case, and the cheap one: no histogram is walked
    }
    ErrorTally req = new ErrorTally(Math.max(b.canaryRequests(), c.total()),
        Math.max(b.canaryErrors(), c.c5xx()), Math.max(b.stableRequests(), s.total()),
        Math.max(b.stableErrors(), s.c5xx()));
    boolean nothingTimed = m.canaryTimed() == 0 && m.stableTimed() == 0;
    int n = LatencyTest.QUANTILES.length;
    List<Double> th = new ArrayList<>(n);
    List<Double> cs = new ArrayList<>(n);
    List<Double> ss = new ArrayList<>(n);
    for (int q = 0; q < n; q++) {
      double t = e.quantile(q).thresholdMs();
      th.add(t);
      // At the same threshold the counts only grow; at a new one the bucket as read now is
      // all there is to compare with (everything in it has been seen).
      boolean same = nothingTimed || m.threshold(q) == t;
      cs.add(same ? Math.max(SeenMinute.at(m.canarySlow(), q), r.slow(true, t)) : r.slow(true, t));
      ss.add(same ? Math.max(SeenMinute.at(m.stableSlow(), q), r.slow(false, t))
          : r.slow(false, t));
    }
    return new SeenMinute(m.start(), req, Math.max(m.canaryTimed(), r.canary().latency().total()),
        Math.max(m.stableTimed(), r.stable().latency().total()), th, cs, ss);
  }

  /** Nothing in the read beyond what was seen, at the same thresholds. */
  private static boolean unchanged(SeenMinute m, Read r, SequentialEvidence e) {
    ErrorTally b = m.requests();
    RequestCounts c = r.canary().requests();
    RequestCounts s = r.stable().requests();
    if (c.total() > b.canaryRequests() || c.c5xx() > b.canaryErrors()
        || s.total() > b.stableRequests() || s.c5xx() > b.stableErrors()
        || r.canary().latency().total() > m.canaryTimed()
        || r.stable().latency().total() > m.stableTimed()) {
      return false;
    }
    for (int q = 0; q < LatencyTest.QUANTILES.length; q++) {
      if (m.threshold(q) != e.quantile(q).thresholdMs()) {
        return false;
      }
    }
    return true;
  }

  private static boolean empty(SeenMinute m) {
    ErrorTally r = m.requests();
    return r.canaryRequests() == 0 && r.stableRequests() == 0 && r.canaryErrors() == 0
        && r.stableErrors() == 0 && m.canaryTimed() == 0 && m.stableTimed() == 0;
  }
}
