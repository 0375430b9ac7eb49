package dev.canaryrun.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.judge.LateData;
import dev.canaryrun.judge.LatencyHistogram;
import dev.canaryrun.judge.MetricBucket;
import dev.canaryrun.judge.RequestCounts;
import dev.canaryrun.judge.SequentialEvidence;
import dev.canaryrun.judge.SequentialJudge;
import dev.canaryrun.memory.InMemoryEventPublisher;
import dev.canaryrun.memory.InMemoryPolicyStore;
import dev.canaryrun.memory.InMemoryRolloutStore;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.port.MetricsReader;
import dev.canaryrun.port.MetricsReader.RevisionKey;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A tick reads the buckets already judged again (the look-back), in the same one query, and
 * the real judge counts the points that arrived for them since.
 */
class LateMetricsTest {
  static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  static final String SVC = "checkout";
  static final String STABLE = "checkout-00041-abc";

  MutableClock clock;
  InMemoryRolloutStore store;
  RolloutService service;
  final List<MetricsReader.Query> queries = new CopyOnWriteArrayList<>();
  /** Extra canary requests Monitoring shows for one minute from now on (its late points). */
  volatile Instant lateMinute;

  @BeforeEach
  void setUp() {
    clock = new MutableClock(T0);
    store = new InMemoryRolloutStore(clock);
    FakeCloudRun run = new FakeCloudRun().serving(SVC, STABLE);
    service = new RolloutService(store,
        new InMemoryPolicyStore().watch(SVC, "europe-west1", RolloutPolicy.defaults()),
        run, this::read, run, new InMemoryEventPublisher(), new SequentialJudge(), clock,
        Duration.ofHours(1));
  }

  @AfterEach
  void close() {
    service.close();
  }

  /** 100 canary and 1,900 stable requests a minute, 200 more canary ones late for one. */
  private Map<RevisionKey, List<MetricBucket>> read(MetricsReader.Query q) {
    queries.add(q);
    Map<RevisionKey, List<MetricBucket>> out = new HashMap<>();
    for (RevisionKey k : q.revisions()) {
      boolean stable = k.revision().equals(STABLE);
      List<MetricBucket> buckets = new ArrayList<>();
      for (Instant t = q.start(); t.isBefore(q.end()); t = t.plus(q.alignment())) {
        long n = stable ? 1900 : t.equals(lateMinute) ? 300 : 100;
        long s = stable && t.equals(lateMinute) ? 100 : 0; // the stable's late points too
        buckets.add(new MetricBucket(t, t.plus(q.alignment()),
            new RequestCounts(n + s, 0, 0, 0), LatencyHistogram.EMPTY, OptionalDouble.empty(),
            OptionalDouble.empty()));
      }
      out.put(k, buckets);
    }
    return out;
  }

  private Rollout only() {
    return store.listActive().get(0);
  }

  @Test
  void aTickReadsTheLookBackAndTheJudgeCountsWhatArrivedLate() {
    service.onBuildSucceeded(new BuildSucceeded("msg-1", T0, SVC, "europe-west1",
        "europe-docker.pkg.dev/p/app/checkout@sha256:" + "b".repeat(64), "b1", null));
    Instant from = only().judge().consumedUntil();
    clock.advance(Duration.ofMinutes(8));
    service.onTick(TickRequest.all("tick-1", clock.instant()));
    Instant judgedTo = only().judge().consumedUntil();
    assertTrue(judgedTo.isAfter(from.plus(Duration.ofMinutes(3))), "judged to " + judgedTo);
    SequentialEvidence before = only().judge().evidence();

    // A minute judged at the first tick gets 200 canary and 100 stable requests more.
    lateMinute = MetricsCollector.alignDown(from, Duration.ofMinutes(1)).plus(
        Duration.ofMinutes(2));
    clock.advance(Duration.ofMinutes(1));
    queries.clear();
    service.onTick(TickRequest.all("tick-2", clock.instant()));

    assertEquals(1, queries.size(), "one query per tick, the look-back included");
    assertEquals(judgedTo.minus(LateData.READ_BACK), queries.get(0).start());
    SequentialEvidence after = only().judge().evidence();
    assertEquals(before.totals().canaryRequests() + 200 + 100,
        after.totals().canaryRequests(), "the late 200 and the next minute's 100");
    assertEquals(300, after.late().countedRequests());
    assertTrue(only().lastVerdict().summary().contains("late points: 300 requests counted"),
        only().lastVerdict().summary());

    // The same tick redelivered and the next re-read count nothing again.
    service.onTick(TickRequest.all("tick-2", clock.instant()));
    clock.advance(Duration.ofMinutes(1));
    service.onTick(TickRequest.all("tick-3", clock.instant()));
    assertEquals(300, only().judge().evidence().late().countedRequests());
  }
}
