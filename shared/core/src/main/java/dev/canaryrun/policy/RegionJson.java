package dev.canaryrun.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.canaryrun.policy.RegionPlan.RegionFailureAction;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The policy's {@code regions}, {@code waves} and {@code onRegionFailure} (docs/CONTRACT.md).
 * Waves default to the first region alone, then the others together; failure to
 * {@code rollback}.
 */
final class RegionJson {
  private RegionJson() {}

  static RegionPlan parse(JsonNode root, List<String> problems) {
    List<String> regions = PolicyJson.strings(root, "regions", "regions", problems);
    List<List<String>> waves = new ArrayList<>();
    JsonNode w = root.path("waves");
    if (w.isMissingNode() || w.isNull()) {
      waves = RegionPlan.defaultWaves(regions);
    } else if (!w.isArray()) {
      problems.add("waves: must be an array of arrays of regions, e.g."
          + " [[\"europe-west1\"], [\"us-central1\", \"asia-east1\"]]");
    } else {
      for (int i = 0; i < w.size(); i++) {
        JsonNode wave = w.get(i);
        if (!wave.isArray()) {
          problems.add("waves[" + i + "]: must be an array of regions");
          continue;
        }
        List<String> regionsOfWave = new ArrayList<>();
        for (int j = 0; j < wave.size(); j++) {
          if (!wave.get(j).isTextual()) {
            problems.add("waves[" + i + "][" + j + "]: '" + wave.get(j) + "' is not a string");
          } else {
            regionsOfWave.add(wave.get(j).asText());
          }
        }
        waves.add(regionsOfWave);
      }
    }
    RegionFailureAction onFailure = RegionFailureAction.ROLLBACK;
    JsonNode f = root.path("onRegionFailure");
    if (!f.isMissingNode() && !f.isNull()) {
      try {
        onFailure = RegionFailureAction.valueOf(f.asText().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        problems.add("onRegionFailure: '" + f.asText() + "' must be 'rollback' (regions"
            + " already promoted in the release roll back too) or 'keep'");
      }
      if (regions.isEmpty()) {
        problems.add("onRegionFailure: set without regions; it applies to a release across"
            + " regions");
      }
    }
    RegionPlan plan = new RegionPlan(regions, waves, onFailure);
    // Named with the problems above, all at once (the policy's constructor would repeat them).
    plan.validate(problems);
    return plan;
  }

  static void write(RegionPlan plan, ObjectNode root) {
    if (!plan.spansRegions()) {
      return; // absent: one region, the policy document's, as before releases spanned regions
    }
    plan.regions().forEach(root.putArray("regions")::add);
    ArrayNode waves = root.putArray("waves");
    for (List<String> wave : plan.waves()) {
      wave.forEach(waves.addArray()::add);
    }
    root.put("onRegionFailure", plan.onRegionFailure().name().toLowerCase(Locale.ROOT));
  }
}
