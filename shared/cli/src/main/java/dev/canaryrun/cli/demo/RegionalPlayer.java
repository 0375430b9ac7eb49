package dev.canaryrun.cli.demo;

import com.google.cloud.run.v2.Service;
import dev.canaryrun.cli.demo.DemoScenario.Expectation;
import dev.canaryrun.cli.demo.DemoScenario.Release;
import dev.canaryrun.local.LocalControlPlane;
import dev.canaryrun.local.publish.CloudBuildMessages;
import dev.canaryrun.policy.RegionPlan;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutIds;
import dev.canaryrun.rollout.RolloutState;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Plays the scenario's releases when its policy spans regions ({@code regions}, {@code
 * waves}): the service runs in every region with load of its own, one build notification
 * starts the release in the first wave, and the controller takes it wave by wave. The demo
 * only watches the rollouts {@code <release>@<region>} and records, per region, how each
 * ended against what the scenario implies: PROMOTED everywhere for a release expected
 * PROMOTED; for one expected to roll back, ROLLED_BACK in the first wave and no rollout at
 * all in later waves (the release stopped before reaching them).
 */
final class RegionalPlayer implements AutoCloseable {
  /** After a rollback, how long no later-wave rollout may appear before the release is over. */
  static final Duration STOPPED_QUIET = Duration.ofSeconds(3);

  private final String project;
  private final DemoScenario scenario;
  private final RegionPlan plan;
  private final Clock clock;
  private final List<LoadGenerator> loads = new ArrayList<>();
  private final List<RegionRow> rows = new ArrayList<>();
  private final List<Instant> published = new ArrayList<>();

  private RegionalPlayer(String project, DemoScenario scenario, Clock clock) {
    this.project = project;
    this.scenario = scenario;
    this.plan = scenario.policy().regions();
    this.clock = clock;
    if (!plan.waves().get(0).contains(scenario.region())) {
      throw new IllegalArgumentException("scenario region " + scenario.region() + " is not in"
          + " the policy's first wave " + plan.waves().get(0) + ": the build deploys there");
    }
  }

  /** Whether the scenario's policy releases across regions. */
  static boolean applies(DemoScenario scenario) {
    return scenario.policy().regions().spansRegions();
  }

  /**
   * Creates the service in every region but the scenario's own (which the demo made) and
   * puts the same load on each, warmed up like the first: each region is judged on its own
   * traffic.
   */
  static RegionalPlayer start(LocalControlPlane plane, String project, DemoScenario scenario,
      double rate, int warmUp, Clock clock, Consumer<String> say) {
    RegionalPlayer p = new RegionalPlayer(project, scenario, clock);
    for (String region : p.plan.regions()) {
      if (region.equals(scenario.region())) {
        continue;
      }
      Service s = plane.cloudRun().createService("projects/" + project + "/locations/" + region,
          scenario.service(), scenario.stableImage());
      LoadGenerator load = new LoadGenerator(URI.create(s.getUri()), rate);
      p.loads.add(load);
      load.burst(warmUp, 64);
      load.start();
      say.accept("  " + scenario.service() + " in " + region + " (wave "
          + (p.plan.waveOf(region) + 1) + ") at " + s.getUri() + ", load " + rate + " req/s");
    }
    return p;
  }

  /**
   * Publishes the build and waits until the release is over in every region; returns the
   * first region's result (the summary's line for the release) and keeps the per-region rows.
   */
  ReleaseResult play(Release release, DemoBackend backend, LocalControlPlane plane,
      Instant deadline, Consumer<String> watching) throws InterruptedException {
    String buildId = UUID.randomUUID().toString();
    String releaseId = RolloutIds.forBuild(scenario.service(), buildId);
    plane.cloudRun().defineImage(CloudBuildMessages.digestOf(release.image()),
        release.behaviour());
    watching.accept(RolloutIds.inRelease(releaseId, scenario.region())); // its STARTED event
    Instant at = clock.instant();
    backend.bus().publish(Topics.BUILDS, CloudBuildMessages.success(project, buildId,
            scenario.service(), scenario.region(), release.image(), at),
        CloudBuildMessages.attributes(buildId, "SUCCESS"));
    Map<String, Optional<Rollout>> seen = new LinkedHashMap<>();
    Instant quietSince = null;
    boolean timedOut = false;
    while (true) {
      for (String region : plan.regions()) {
        seen.put(region, backend.store().find(RolloutIds.inRelease(releaseId, region)));
      }
      seen.values().stream().flatMap(Optional::stream).filter(r -> !r.ended())
          .findFirst().ifPresent(r -> watching.accept(r.id()));
      boolean allEnded = seen.values().stream().flatMap(Optional::stream).allMatch(Rollout::ended);
      boolean allThere = seen.values().stream().allMatch(Optional::isPresent);
      boolean rolledBack = seen.values().stream().flatMap(Optional::stream)
          .anyMatch(r -> r.state() == RolloutState.ROLLED_BACK);
      Instant now = clock.instant();
      if (allEnded && allThere) {
        break;
      }
      if (allEnded && rolledBack) { // stopped: wait a little to show nothing else starts
        quietSince = quietSince == null ? now : quietSince;
        if (!now.isBefore(quietSince.plus(STOPPED_QUIET))) {
          break;
        }
      } else {
        quietSince = null;
      }
      if (now.isAfter(deadline)) {
        timedOut = true;
        break;
      }
      Thread.sleep(Demo.WATCH_PERIOD.toMillis());
    }
    published.add(at);
    for (String region : plan.regions()) {
      rows.add(row(release, region, seen.get(region), backend));
    }
    Optional<Rollout> first = seen.get(scenario.region());
    String id = RolloutIds.inRelease(releaseId, scenario.region());
    return new ReleaseResult(release, first.map(Rollout::id).orElse(null),
        first.map(Rollout::candidateRevision).orElse(null),
        first.map(Rollout::state).orElse(null),
        first.isPresent() ? backend.store().audit(id) : List.of(), at, null, null, timedOut);
  }

  private RegionRow row(Release release, String region, Optional<Rollout> r,
      DemoBackend backend) {
    int wave = plan.waveOf(region);
    RolloutState expected = release.expect() == Expectation.PROMOTED ? RolloutState.PROMOTED
        : wave == 0 ? RolloutState.ROLLED_BACK : null;
    if (r.isEmpty()) {
      return new RegionRow(release.version(), region, wave + 1, null, null, null, null, expected,
          List.of());
    }
    Rollout x = r.get();
    List<AuditEntry> audit = backend.store().audit(x.id());
    Instant ended = audit.stream()
        .filter(a -> a.to() == x.state() && a.from() != a.to()).map(AuditEntry::at)
        .reduce((a, b) -> b).orElse(null);
    return new RegionRow(release.version(), region, wave + 1, x.id(), x.state(),
        x.spec().createdAt(), ended, expected, audit);
  }

  List<RegionRow> rows() {
    return List.copyOf(rows);
  }

  List<Instant> published() {
    return List.copyOf(published);
  }

  /**
   * Every region that did not end as the scenario implies, and every rollout created before
   * the previous wave had ended in all its regions, for the demo's failure line.
   */
  List<String> problems() {
    return problems(rows);
  }

  static List<String> problems(List<RegionRow> rows) {
    List<String> problems = new ArrayList<>(rows.stream().filter(r -> !r.asExpected())
        .map(r -> r.version() + " in " + r.region() + " expected " + r.expectedText() + " but "
            + r.outcome()).toList());
    for (RegionRow r : rows) {
      rows.stream().filter(p -> p.version().equals(r.version()) && p.wave() == r.wave() - 1)
          .filter(p -> r.createdAt() != null
              && (p.endedAt() == null || r.createdAt().isBefore(p.endedAt())))
          .forEach(p -> problems.add(r.version() + " in " + r.region() + " (wave " + r.wave()
              + ") started at " + r.createdAt() + " before wave " + p.wave() + " ended in "
              + p.region() + " (" + p.endedAt() + ")"));
    }
    return problems;
  }

  @Override
  public void close() {
    loads.forEach(LoadGenerator::close);
  }
}
