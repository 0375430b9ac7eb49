package dev.canaryrun.backtest;

import dev.canaryrun.port.MetricsReader.RevisionKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Finds, in a service's request counts by revision, every moment when traffic moved between two
 * revisions: a revision starts receiving real traffic while another one serves. Pure.
 *
 * <p>Revisions are grouped by service and region first: a revision's key carries its location,
 * and two regions' same-named revisions are two revisions that never meet. Within a group a
 * revision is <em>serving</em> from the first minute of a run of traffic (requests in at least
 * {@link #RUN_MINUTES} of {@link #RUN_WINDOW} consecutive buckets) until {@link #GAP}
 * without a request. The run rule is what tells traffic from a tag URL: a revision deployed at
 * 0% with a tag gets a smoke check's handful of requests in a minute or two, never a share of
 * the traffic, and is reported as ignored. The gap rule is what keeps a missing point (Cloud
 * Monitoring writes none for a minute without requests, and points do go missing) from ending
 * a revision's service; at very low rates (under about one request per {@link #GAP} for the
 * candidate's share) a quiet stretch reads as the revision stopping.
 *
 * <p>A transition's stable revision is the one that served the most in the
 * {@link #LOOK_BEHIND} before the candidate started, among those serving just before it. The
 * comparison ends when the history moves on: the candidate or the stable revision stops
 * serving (rolled back / promoted), a third revision starts, or the history ends.
 */
public final class TransitionFinder {
  /** A revision is new when it did not serve in this long before: and who served then is stable. */
  public static final Duration LOOK_BEHIND = Duration.ofMinutes(30);
  /** Real traffic: requests in at least this many of {@link #RUN_WINDOW} consecutive buckets. */
  public static final int RUN_MINUTES = 3;
  public static final int RUN_WINDOW = 5;
  /** This long without a request and a revision has stopped serving (not a missing point). */
  public static final Duration GAP = Duration.ofMinutes(10);

  /** A revision that received requests but no transition came of it, and why. */
  public record Ignored(RevisionKey revision, Instant at, long requests, String reason) {
    public Ignored {
      Objects.requireNonNull(revision, "revision");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Transitions oldest first, and what was left out. */
  public record Findings(List<Transition> transitions, List<Ignored> ignored) {
    public Findings {
      transitions = List.copyOf(transitions);
      ignored = List.copyOf(ignored);
    }
  }

  /** A revision's serving interval [from, to), in bucket indexes. */
  private record Interval(RevisionKey key, int from, int to) {}

  private TransitionFinder() {}

  public static Findings find(History h) {
    int n = (int) (Duration.between(h.start(), h.end()).toNanos() / h.alignment().toNanos());
    int lookBehind = buckets(LOOK_BEHIND, h.alignment());
    int gap = buckets(GAP, h.alignment());
    Map<String, List<RevisionKey>> groups = new TreeMap<>();
    h.series().keySet().stream()
        .sorted(Comparator.comparing(RevisionKey::revision))
        .forEach(k -> groups.computeIfAbsent(k.service() + "\u0000" + k.location(),
            x -> new ArrayList<>()).add(k));
    List<Transition> out = new ArrayList<>();
    List<Ignored> ignored = new ArrayList<>();
    for (List<RevisionKey> group : groups.values()) {
      Map<RevisionKey, long[]> counts = new HashMap<>();
      List<Interval> intervals = new ArrayList<>();
      for (RevisionKey k : group) {
        long[] c = new long[n];
        for (int i = 0; i < n; i++) {
          c[i] = h.requests(k, at(h, i));
        }
        counts.put(k, c);
        List<Interval> mine = serving(k, c, gap);
        intervals.addAll(mine);
        if (mine.isEmpty()) {
          long total = 0;
          int first = -1;
          for (int i = 0; i < n; i++) {
            total += c[i];
            if (c[i] > 0 && first < 0) {
              first = i;
            }
          }
          if (total > 0) {
            ignored.add(new Ignored(k, at(h, first), total, "received " + total
                + " requests but never a share of the traffic (requests in fewer than "
                + RUN_MINUTES + " of " + RUN_WINDOW + " consecutive minutes): a revision at 0% "
                + "reached through its tag URL"));
          }
        }
      }
      intervals.sort(Comparator.comparingInt(Interval::from)
          .thenComparing(i -> i.key().revision()));
      for (Interval c : intervals) {
        if (c.from() < lookBehind) {
          continue; // already serving when the history begins: not a move we saw happen
        }
        Interval stable = stableBefore(c, intervals, counts, lookBehind);
        if (stable == null) {
          ignored.add(new Ignored(c.key(), at(h, c.from()), sum(counts.get(c.key()), c.from(),
              c.to()), "started serving while no other revision of the service served in "
              + c.key().location() + " (a first deployment, or after an outage): nothing to "
              + "compare it with"));
          continue;
        }
        int end = Math.min(c.to(), stable.to());
        Transition.HistoryEnd why = c.to() <= stable.to()
            ? (c.to() < n ? Transition.HistoryEnd.ROLLED_BACK : Transition.HistoryEnd.STILL_SPLIT)
            : Transition.HistoryEnd.PROMOTED;
        for (Interval other : intervals) {
          if (other.from() > c.from() && other.from() < end && other != stable) {
            end = other.from();
            why = Transition.HistoryEnd.SUPERSEDED;
            break;
          }
        }
        if (end <= c.from()) {
          ignored.add(new Ignored(c.key(), at(h, c.from()), sum(counts.get(c.key()), c.from(),
              c.to()), "took all traffic at once from " + stable.key().revision()
              + ": no minute in which both served, nothing to compare"));
          continue;
        }
        out.add(new Transition(stable.key(), c.key(), at(h, c.from()), at(h, end), why));
      }
    }
    out.sort(Comparator.comparing(Transition::start).thenComparing(Transition::location));
    ignored.sort(Comparator.comparing(Ignored::at));
    return new Findings(out, ignored);
  }

  /** The serving intervals of one revision (see the class comment). */
  private static List<Interval> serving(RevisionKey k, long[] c, int gap) {
    List<Interval> out = new ArrayList<>();
    int i = 0;
    while (i < c.length) {
      if (c[i] == 0 || !run(c, i)) {
        i++;
        continue;
      }
      int from = i;
      int quiet = 0;
      int last = i;
      for (i = from; i < c.length && quiet < gap; i++) {
        if (c[i] > 0) {
          quiet = 0;
          last = i;
        } else {
          quiet++;
        }
      }
      out.add(new Interval(k, from, last + 1 < c.length && quiet >= gap ? last + 1 : c.length));
      i = last + 1;
    }
    return out;
  }

  private static boolean run(long[] c, int from) {
    int served = 0;
    for (int j = from; j < Math.min(c.length, from + RUN_WINDOW); j++) {
      if (c[j] > 0) {
        served++;
      }
    }
    return served >= RUN_MINUTES;
  }

  /** The revision serving just before {@code c} started that served most over the look-behind. */
  private static Interval stableBefore(Interval c, List<Interval> all,
      Map<RevisionKey, long[]> counts, int lookBehind) {
    Interval best = null;
    long bestCount = -1;
    for (Interval s : all) {
      if (s.key().equals(c.key()) || s.from() >= c.from() || s.to() < c.from()) {
        continue;
      }
      long n = sum(counts.get(s.key()), c.from() - lookBehind, c.from());
      if (n > bestCount) {
        best = s;
        bestCount = n;
      }
    }
    return best;
  }

  private static long sum(long[] c, int from, int to) {
    long s = 0;
    for (int i = Math.max(0, from); i < Math.min(c.length, to); i++) {
      s += c[i];
    }
    return s;
  }

  private static Instant at(History h, int i) {
    return h.start().plus(h.alignment().multipliedBy(i));
  }

  private static int buckets(Duration d, Duration alignment) {
    return (int) Math.max(1, d.toNanos() / alignment.toNanos());
  }
}
