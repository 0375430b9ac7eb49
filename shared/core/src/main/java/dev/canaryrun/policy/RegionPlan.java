package dev.canaryrun.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where one release goes: the regions of a service that runs in several, and the waves they
 * are released in. Each region's rollout is judged on its own region's canary against stable;
 * a wave starts when every region of the wave before is PROMOTED.
 *
 * @param regions the Cloud Run regions of the service; empty: the one region of
 *     {@code policies/{service}.region} (a release of one rollout, as before releases existed)
 * @param waves the regions in release order; every listed region in exactly one wave
 * @param onRegionFailure what a failure in one region does to the regions this release already
 *     promoted
 */
public record RegionPlan(List<String> regions, List<List<String>> waves,
    RegionFailureAction onRegionFailure) {
  /** More waves than regions are impossible; more regions than this is not a service. */
  public static final int MAX_REGIONS = 40;

  /** Cloud Run region names: {@code europe-west1}, {@code us-central1}, {@code me-central2}. */
  private static final Pattern REGION = Pattern.compile("[a-z]+(-[a-z]+)*[0-9]+");

  /** What a failed region does to the regions already promoted in the same release. */
  public enum RegionFailureAction {
    /** They roll back too: the release is one change, and the change failed. */
    ROLLBACK,
    /** They keep the new revision: each region was judged healthy on its own traffic. */
    KEEP
  }

  public RegionPlan {
    Objects.requireNonNull(regions, "regions");
    Objects.requireNonNull(waves, "waves");
    Objects.requireNonNull(onRegionFailure, "onRegionFailure");
    regions = List.copyOf(regions);
    waves = waves.stream().map(List::copyOf).toList();
  }

  /** One region, the policy document's: no release across regions. */
  public static RegionPlan single() {
    return new RegionPlan(List.of(), List.of(), RegionFailureAction.ROLLBACK);
  }

  /** The default waves of {@code regions}: the first alone, then the others together. */
  public static List<List<String>> defaultWaves(List<String> regions) {
    if (regions.isEmpty()) {
      return List.of();
    }
    if (regions.size() == 1) {
      return List.of(List.of(regions.get(0)));
    }
    return List.of(List.of(regions.get(0)), List.copyOf(regions.subList(1, regions.size())));
  }

  /** Whether a release of this service spans regions (a rollout per region). */
  public boolean spansRegions() {
    return !regions.isEmpty();
  }

  /** The wave {@code region} is released in; -1 when the plan does not list it. */
  public int waveOf(String region) {
    for (int i = 0; i < waves.size(); i++) {
      if (waves.get(i).contains(region)) {
        return i;
      }
    }
    return -1;
  }

  void validate(List<String> problems) {
    if (regions.isEmpty()) {
      if (!waves.isEmpty()) {
        problems.add("waves: set without regions; list the service's regions in 'regions'");
      }
      return;
    }
    if (regions.size() > MAX_REGIONS) {
      problems.add("regions: " + regions.size() + " regions, over the limit of " + MAX_REGIONS);
    }
    Map<String, Integer> listed = new HashMap<>();
    for (int i = 0; i < regions.size(); i++) {
      String r = regions.get(i);
      if (!REGION.matcher(r).matches()) {
        problems.add("regions[" + i + "]: '" + r + "' is not a Cloud Run region name"
            + " (e.g. europe-west1)");
      }
      if (listed.putIfAbsent(r, i) != null) {
        problems.add("regions[" + i + "]: '" + r + "' is listed twice (also regions["
            + listed.get(r) + "])");
      }
    }
    Map<String, Integer> waveOf = new HashMap<>();
    for (int w = 0; w < waves.size(); w++) {
      List<String> wave = waves.get(w);
      if (wave.isEmpty()) {
        problems.add("waves[" + w + "]: is empty; every wave releases at least one region");
      }
      for (int i = 0; i < wave.size(); i++) {
        String r = wave.get(i);
        String at = "waves[" + w + "][" + i + "]";
        if (!listed.containsKey(r)) {
          problems.add(at + ": '" + r + "' is not one of the regions " + regions);
        }
        Integer before = waveOf.putIfAbsent(r, w);
        if (before != null) {
          problems.add(at + ": '" + r + "' is already in waves[" + before + "]; a region is"
              + " released once per release");
        }
      }
    }
    List<String> missing = new ArrayList<>();
    for (String r : regions) {
      if (!waveOf.containsKey(r)) {
        missing.add(r);
      }
    }
    if (!missing.isEmpty() && !waves.isEmpty()) {
      problems.add("waves: " + missing + " listed in regions but in no wave; a region not in"
          + " a wave would never be released");
    }
  }
}
