package dev.canaryrun.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.cli.demo.DemoScenario.Expectation;
import dev.canaryrun.rollout.RolloutState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ./canaryrun demo --scenario multi-region} end to end on the emulators: checkout in
 * three regions with load of its own in each, two waves (europe-west1, then us-central1 and
 * asia-east1). v2 must be promoted everywhere, the second wave's rollouts created only after
 * the first wave's promotion; v3 must be rolled back by the judge in europe-west1 and never
 * reach the second wave.
 */
class MultiRegionDemoTest {
  static final List<String> REGIONS = List.of("europe-west1", "us-central1", "asia-east1");

  @Test
  @Timeout(200)
  void playsAReleaseAcrossRegionsWaveByWave() throws Exception {
    PlayedDemo played = PlayedDemo.play(Path.of("multi-region"),
        Path.of("target", "demo-multi-region-test"),
        DemoScenario.load(Path.of("multi-region"))); // by name
    DemoReport report = played.report();
    String text = played.text();
    assertTrue(report.ok(), () -> "demo failed: " + report.failure() + "\n" + text);

    assertEquals(Expectation.PROMOTED, report.releases().get(0).outcome().orElseThrow());
    assertEquals(Expectation.ROLLED_BACK_BY_JUDGE,
        report.releases().get(1).outcome().orElseThrow());
    List<RegionRow> rows = report.regions();
    assertEquals(6, rows.size(), rows::toString);
    List<RegionRow> v2 = rows.subList(0, 3);
    List<RegionRow> v3 = rows.subList(3, 6);
    assertEquals(REGIONS, v2.stream().map(RegionRow::region).toList());
    assertEquals(List.of(1, 2, 2), v2.stream().map(RegionRow::wave).toList());
    for (RegionRow r : v2) {
      assertEquals(RolloutState.PROMOTED, r.state(), r.toString());
      assertEquals("v2", r.version());
    }
    // Wave 2 was created only after wave 1 was promoted.
    Instant euPromoted = v2.get(0).endedAt();
    for (RegionRow r : v2.subList(1, 3)) {
      assertFalse(r.createdAt().isBefore(euPromoted),
          r.region() + " created " + r.createdAt() + " before europe-west1 promoted " + euPromoted);
    }
    assertEquals(RolloutState.ROLLED_BACK, v3.get(0).state(), v3.get(0).toString());
    for (RegionRow r : v3.subList(1, 3)) {
      assertNull(r.state(), r.region() + " must never see v3: " + r);
      assertNull(r.rolloutId(), r.toString());
    }
    assertTrue(text.contains("== Per region"), text);
    assertTrue(text.matches("(?s).*v3 +us-central1 +2 +NOT STARTED +NOT STARTED +ok.*"), text);
    assertTrue(text.contains("-- audit trail of " + v2.get(2).rolloutId() + " (v2, wave 2"), text);
    assertTrue(text.contains("all 2 releases ended as expected"), text);
  }

  @Test
  void aBundledScenarioIsFoundByNameAndSpansRegions() {
    DemoScenario s = DemoScenario.load(Path.of("multi-region"));
    assertEquals(REGIONS, s.policy().regions().regions());
    assertEquals(List.of(List.of("europe-west1"), List.of("us-central1", "asia-east1")),
        s.policy().regions().waves());
    assertTrue(RegionalPlayer.applies(s));
    assertFalse(RegionalPlayer.applies(DemoScenario.defaults()));
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> DemoScenario.load(Path.of("no-such-scenario")));
    assertTrue(e.getMessage().contains("cannot read scenario no-such-scenario"), e.getMessage());
  }
}
