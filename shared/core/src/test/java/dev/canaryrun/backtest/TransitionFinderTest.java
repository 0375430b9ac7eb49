package dev.canaryrun.backtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.judge.LatencyHistogram;
import dev.canaryrun.judge.MetricBucket;
import dev.canaryrun.judge.RequestCounts;
import dev.canaryrun.port.MetricsReader.RevisionKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

class TransitionFinderTest {
  static final Instant T0 = Instant.parse("2026-11-16T00:00:00Z");
  static final Duration MINUTE = Duration.ofMinutes(1);
  static final int DAY = 24 * 60;

  final Map<RevisionKey, NavigableMap<Instant, MetricBucket>> series = new HashMap<>();

  static RevisionKey key(String revision, String location) {
    return new RevisionKey("checkout", revision, location);
  }

  /** Requests per minute {@code f(m)} for minutes [from, to); 0 writes no point. */
  void serve(RevisionKey k, int from, int to, IntUnaryOperator f) {
    NavigableMap<Instant, MetricBucket> m = series.computeIfAbsent(k, x -> new TreeMap<>());
    for (int i = from; i < to; i++) {
      int n = f.applyAsInt(i);
      if (n > 0) {
        Instant s = T0.plus(MINUTE.multipliedBy(i));
        m.put(s, new MetricBucket(s, s.plus(MINUTE), new RequestCounts(n, 0, 0, 0),
            LatencyHistogram.EMPTY, OptionalDouble.empty(), OptionalDouble.empty()));
      }
    }
  }

  TransitionFinder.Findings find() {
    return TransitionFinder.find(new History(series, T0, T0.plus(MINUTE.multipliedBy(DAY)),
        MINUTE));
  }

  @Test
  void aCanaryThatIsPromotedAndOneThatIsRolledBack() {
    serve(key("v1", "eu"), 0, 200, m -> 50);
    serve(key("v2", "eu"), 100, DAY, m -> m < 200 ? 5 : 50);
    serve(key("v3", "eu"), 600, 640, m -> 5);

    TransitionFinder.Findings f = find();

    assertEquals(2, f.transitions().size(), f::toString);
    Transition a = f.transitions().get(0);
    assertEquals("v1", a.stable().revision());
    assertEquals("v2", a.candidate().revision());
    assertEquals(T0.plus(MINUTE.multipliedBy(100)), a.start());
    assertEquals(T0.plus(MINUTE.multipliedBy(200)), a.end());
    assertEquals(Transition.HistoryEnd.PROMOTED, a.ended());
    Transition b = f.transitions().get(1);
    assertEquals("v2", b.stable().revision());
    assertEquals(Transition.HistoryEnd.ROLLED_BACK, b.ended());
    assertEquals(T0.plus(MINUTE.multipliedBy(640)), b.end());
  }

  @Test
  void missingPointsDoNotEndAServiceButAQuietTenMinutesDoes() {
    serve(key("v1", "eu"), 0, DAY, m -> 50);
    // Three minutes without a point, then traffic again: one transition, still split.
    serve(key("v2", "eu"), 100, DAY, m -> m >= 120 && m < 123 ? 0 : 5);

    Transition t = find().transitions().get(0);
    assertEquals(Transition.HistoryEnd.STILL_SPLIT, t.ended());
    assertEquals(T0.plus(MINUTE.multipliedBy(DAY)), t.end());
  }

  @Test
  void aTaggedRevisionAtZeroPercentIsIgnoredAndSaidSo() {
    serve(key("v1", "eu"), 0, DAY, m -> 50);
    serve(key("tag", "eu"), 300, 302, m -> 3); // a smoke check through the tag URL

    TransitionFinder.Findings f = find();

    assertTrue(f.transitions().isEmpty(), f::toString);
    assertEquals(1, f.ignored().size());
    assertEquals("tag", f.ignored().get(0).revision().revision());
    assertEquals(6, f.ignored().get(0).requests());
    assertTrue(f.ignored().get(0).reason().contains("tag URL"));
  }

  @Test
  void aTaggedRevisionWithNoRequestAtAllIsNeitherATransitionNorNoise() {
    serve(key("v1", "eu"), 0, DAY, m -> 50);
    NavigableMap<Instant, MetricBucket> zero = new TreeMap<>();
    for (int i = 300; i < 400; i++) { // a series of empty buckets, as a reader may return
      Instant s = T0.plus(MINUTE.multipliedBy(i));
      zero.put(s, MetricBucket.empty(s, s.plus(MINUTE)));
    }
    series.put(key("tag", "eu"), zero);

    TransitionFinder.Findings f = find();

    assertTrue(f.transitions().isEmpty(), f::toString);
    assertTrue(f.ignored().isEmpty(), f::toString);
  }

  @Test
  void sameNamedRevisionsOfTwoRegionsNeverMeet() {
    serve(key("v1", "eu"), 0, DAY, m -> 50);
    serve(key("v2", "us"), 100, DAY, m -> 50); // only v2 serves in us: a first deployment

    TransitionFinder.Findings f = find();

    assertTrue(f.transitions().isEmpty(), f::toString);
    assertTrue(f.ignored().get(0).reason().contains("no other revision"), f::toString);
  }

  @Test
  void allAtOnceLeavesNothingToCompare() {
    serve(key("v1", "eu"), 0, 100, m -> 50);
    serve(key("v2", "eu"), 100, DAY, m -> 50);

    TransitionFinder.Findings f = find();

    assertTrue(f.transitions().isEmpty(), f::toString);
    assertTrue(f.ignored().get(0).reason().contains("at once"), f::toString);
  }

  @Test
  void aThirdRevisionSupersedes() {
    serve(key("v1", "eu"), 0, DAY, m -> 50);
    serve(key("v2", "eu"), 100, DAY, m -> 5);
    serve(key("v3", "eu"), 150, DAY, m -> 5);

    TransitionFinder.Findings f = find();

    assertEquals(Transition.HistoryEnd.SUPERSEDED, f.transitions().get(0).ended());
    assertEquals(T0.plus(MINUTE.multipliedBy(150)), f.transitions().get(0).end());
    assertEquals("v3", f.transitions().get(1).candidate().revision());
    assertEquals("v1", f.transitions().get(1).stable().revision());
  }
}
