package dev.canaryrun.judge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Points that Monitoring makes visible after their bucket was judged. Cloud Run samples
 * every 60 s and a sample is "not visible for up to 180 s", so a bucket read once, however
 * late, can be judged undercounted. The judge keeps what it has seen of the buckets it
 * consumed over the last {@link #LOOKBACK} ({@link SeenMinute}), re-reads them every tick and
 * counts the points that arrived since as extra observations: the evidence is a product of
 * per-observation likelihood ratios over counts, so a late part of a minute is one more
 * observation, and nothing is counted twice. Points that arrive for a bucket older than the
 * look-back are not counted; those seen within {@link #READ_BACK} are reported as dropped.
 *
 * @param trackedFromSecond epoch second from which consumed buckets are tracked (0: not
 *     yet, set at the first tick); a consumed bucket at or after it with no entry in
 *     {@code seen} was consumed empty. Buckets before it (consumed before this was kept, or
 *     evicted by {@link #MAX_SEEN}) are never re-counted
 * @param stepFromSecond epoch second of the first bucket consumed in the current step: a
 *     late part of an earlier bucket was produced at another traffic share, so it adds to the
 *     rollout's FAIL evidence but not to this step's PASS evidence or observed traffic
 * @param seen the tracked buckets that had data, oldest first, at most {@link #MAX_SEEN}
 * @param countedRequests late requests (both revisions) counted over the rollout
 * @param droppedRequests late requests seen for buckets past the look-back, not counted
 */
public record LateData(long trackedFromSecond, long stepFromSecond, List<SeenMinute> seen,
    double countedRequests, double droppedRequests) {
  public static final LateData EMPTY = new LateData(0, 0, List.of(), 0, 0);
  /**
   * How long after a bucket's first judgement its late points are still counted: ten times
   * the minute of Cloud Run's sampling and well past its 180 s of visibility, so only points
   * held up by an incident of Monitoring itself are lost.
   */
  public static final Duration LOOKBACK = Duration.ofMinutes(10);
  /**
   * How long late points of one revision wait for the other's of the same bucket before they
   * are counted alone (then they add traffic, not evidence). Short, because until counted
   * they are not in the step's observed traffic either, and the exposure check would take a
   * canary whose points are late for one that is turned away.
   */
  public static final Duration PAIRING_WAIT = Duration.ofMinutes(2);
  /** How far back a tick reads: the look-back, and five minutes more to count what is lost. */
  public static final Duration READ_BACK = LOOKBACK.plusMinutes(5);
  /**
   * Most buckets kept, whatever the alignment period (a document must stay small): READ_BACK
   * in one-minute buckets is 15; shorter periods keep the most recent 32.
   */
  public static final int MAX_SEEN = 32;

  /**
   * How far back a tick must read at this alignment period: {@link #READ_BACK}, or less
   * where {@link #MAX_SEEN} buckets cover less (one-second buckets, as the local demo uses,
   * would otherwise re-read 900 of them every tick for nothing).
   */
  public static Duration readBack(Duration alignment) {
    Duration most = alignment.multipliedBy(MAX_SEEN);
    return most.compareTo(READ_BACK) < 0 ? most : READ_BACK;
  }

  public LateData {
    seen = seen == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(seen));
  }

  LateData withSeen(long trackedFrom, List<SeenMinute> s, double counted, double dropped) {
    return new LateData(trackedFrom, stepFromSecond, s, counted, dropped);
  }

  LateData withStepFrom(long second) {
    return new LateData(trackedFromSecond, second, seen, countedRequests, droppedRequests);
  }
}
