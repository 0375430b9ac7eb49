package dev.canaryrun.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads and writes the policy JSON of docs/CONTRACT.md. Every field is optional and falls
 * back to {@link RolloutPolicy#defaults()}; unknown fields are errors, because a misspelt
 * override that is silently ignored is how a 50% first step reaches production.
 */
public final class PolicyJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> TOP =
      Set.of("steps", "judge", "metrics", "smokeCheck", "onNewBuild", "candidateTag", "release",
          "operators", "onInconclusive", "schedule", "mode", "bake", "candidateScaling",
          "regions", "waves", "onRegionFailure");
  private static final Set<String> BAKE = Set.of("durationSeconds", "stableTag");
  private static final Set<String> SCALING = Set.of("minInstances", "maxInstances");
  private static final Set<String> RELEASE = Set.of("imagePrefixes", "buildProjects", "triggerIds");
  private static final Set<String> STEP =
      Set.of("percent", "minDwellSeconds", "maxDwellSeconds", "gate");
  private static final Set<String> GATE = Set.of("timeoutSeconds", "onTimeout");
  private static final Set<String> JUDGE =
      Set.of("alpha", "minimumErrorRatio", "minimumLatencyIncrease", "guardrailErrorRate",
          "guardrailMinRequests", "maxCpuUtilisation", "maxMemoryUtilisation",
          "latencyWarmupSeconds");
  private static final Set<String> METRICS = Set.of("alignmentPeriodSeconds", "ingestDelaySeconds");
  private static final Set<String> SMOKE = Set.of("path", "expectedStatus", "attempts", "timeoutSeconds");

  private PolicyJson() {}

  /** Parses a policy; throws {@link InvalidPolicyException} naming every bad field. */
  public static RolloutPolicy parse(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json == null ? "" : json);
    } catch (JsonProcessingException e) {
      throw new InvalidPolicyException(List.of("policy: not valid JSON: " + e.getOriginalMessage()));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return RolloutPolicy.defaults();
    }
    List<String> problems = new ArrayList<>();
    if (!root.isObject()) {
      throw new InvalidPolicyException(List.of("policy: must be a JSON object"));
    }
    unknown(root, TOP, "", problems);
    RolloutPolicy d = RolloutPolicy.defaults();

    List<Step> steps = d.steps();
    if (root.has("steps")) {
      steps = new ArrayList<>();
      JsonNode arr = root.get("steps");
      if (!arr.isArray()) {
        problems.add("steps: must be an array");
      } else {
        for (int i = 0; i < arr.size(); i++) {
          JsonNode s = arr.get(i);
          String at = "steps[" + i + "]";
          unknown(s, STEP, at + ".", problems);
          int percent = (int) number(s, "percent", at + ".percent", Double.NaN, problems);
          long min = (long) number(s, "minDwellSeconds", at + ".minDwellSeconds", Double.NaN, problems);
          long max = (long) number(s, "maxDwellSeconds", at + ".maxDwellSeconds", min * 3.0, problems);
          steps.add(new Step(percent, Duration.ofSeconds(min), Duration.ofSeconds(max),
              gate(s.path("gate"), at + ".gate", problems)));
        }
      }
    }
    JudgeSettings dj = d.judge();
    JsonNode j = root.path("judge");
    unknown(j, JUDGE, "judge.", problems);
    JudgeSettings judge = new JudgeSettings(
        number(j, "alpha", "judge.alpha", dj.alpha(), problems),
        number(j, "minimumErrorRatio", "judge.minimumErrorRatio", dj.minimumErrorRatio(), problems),
        number(j, "minimumLatencyIncrease", "judge.minimumLatencyIncrease",
            dj.minimumLatencyIncrease(), problems),
        number(j, "guardrailErrorRate", "judge.guardrailErrorRate", dj.guardrailErrorRate(), problems),
        (long) number(j, "guardrailMinRequests", "judge.guardrailMinRequests",
            dj.guardrailMinRequests(), problems),
        number(j, "maxCpuUtilisation", "judge.maxCpuUtilisation", dj.maxCpuUtilisation(), problems),
        number(j, "maxMemoryUtilisation", "judge.maxMemoryUtilisation",
            dj.maxMemoryUtilisation(), problems),
        (long) number(j, "latencyWarmupSeconds", "judge.latencyWarmupSeconds",
            dj.latencyWarmupSeconds(), problems));

    JsonNode m = root.path("metrics");
    unknown(m, METRICS, "metrics.", problems);
    MetricsSettings metrics = new MetricsSettings(
        Duration.ofSeconds((long) number(m, "alignmentPeriodSeconds", "metrics.alignmentPeriodSeconds",
            d.metrics().alignmentPeriod().toSeconds(), problems)),
        Duration.ofSeconds((long) number(m, "ingestDelaySeconds", "metrics.ingestDelaySeconds",
            d.metrics().ingestDelay().toSeconds(), problems)));

    JsonNode sc = root.path("smokeCheck");
    unknown(sc, SMOKE, "smokeCheck.", problems);
    SmokeCheckSettings ds = d.smokeCheck();
    SmokeCheckSettings smoke = new SmokeCheckSettings(
        text(sc, "path", ds.path()),
        (int) number(sc, "expectedStatus", "smokeCheck.expectedStatus", ds.expectedStatus(), problems),
        (int) number(sc, "attempts", "smokeCheck.attempts", ds.attempts(), problems),
        Duration.ofSeconds((long) number(sc, "timeoutSeconds", "smokeCheck.timeoutSeconds",
            ds.timeout().toSeconds(), problems)));

    NewBuildAction onNewBuild = d.onNewBuild();
    String action = text(root, "onNewBuild", null);
    if (action != null) {
      try {
        onNewBuild = NewBuildAction.valueOf(action.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        problems.add("onNewBuild: '" + action + "' must be 'supersede' or 'ignore'");
      }
    }
    InconclusiveAction onInconclusive = d.onInconclusive();
    String inconclusive = text(root, "onInconclusive", null);
    if (inconclusive != null) {
      try {
        onInconclusive = InconclusiveAction.valueOf(inconclusive.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        problems.add("onInconclusive: '" + inconclusive
            + "' must be 'promote', 'pause' or 'rollback'");
      }
    }
    String tag = text(root, "candidateTag", d.candidateTag());
    JsonNode rel = root.path("release");
    unknown(rel, RELEASE, "release.", problems);
    ReleaseRules release = new ReleaseRules(
        strings(rel, "imagePrefixes", "release.imagePrefixes", problems),
        strings(rel, "buildProjects", "release.buildProjects", problems),
        strings(rel, "triggerIds", "release.triggerIds", problems));
    Operators operators = new Operators(strings(root, "operators", "operators", problems));
    ReleaseSchedule schedule = ScheduleJson.parse(root.path("schedule"), problems);
    ControlMode mode = d.mode();
    String modeText = text(root, "mode", null);
    if (modeText != null) {
      try {
        mode = ControlMode.valueOf(modeText.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        problems.add("mode: '" + modeText + "' must be 'control' (canaryrun steers traffic) or"
            + " 'observe' (canaryrun only judges; your pipeline moves traffic)");
      }
    }
    JsonNode b = root.path("bake");
    unknown(b, BAKE, "bake.", problems);
    BakeSettings bake = new BakeSettings(Duration.ofSeconds((long) number(b, "durationSeconds",
        "bake.durationSeconds", d.bake().duration().toSeconds(), problems)),
        text(b, "stableTag", d.bake().stableTag()));
    JsonNode cs = root.path("candidateScaling");
    unknown(cs, SCALING, "candidateScaling.", problems);
    CandidateScaling scaling = new CandidateScaling(
        count(cs, "minInstances", "candidateScaling.minInstances", problems),
        count(cs, "maxInstances", "candidateScaling.maxInstances", problems));
    RegionPlan regions = RegionJson.parse(root, problems);
    if (!problems.isEmpty()) {
      throw new InvalidPolicyException(problems);
    }
    try {
      return new RolloutPolicy(steps, judge, metrics, smoke, onNewBuild, tag, release, operators,
          onInconclusive, schedule, mode, bake, scaling, regions);
    } catch (InvalidPolicyException e) {
      throw e;
    } catch (RuntimeException e) {
      // e.g. a step whose Duration overflowed: still the policy's fault, named as such
      throw new InvalidPolicyException(List.of("policy: " + e.getMessage()));
    }
  }

  /** Writes the full policy (every field explicit), the form stored in rollout snapshots. */
  public static String write(RolloutPolicy p) {
    ObjectNode root = MAPPER.createObjectNode();
    ArrayNode steps = root.putArray("steps");
    for (Step s : p.steps()) {
      ObjectNode step = steps.addObject()
          .put("percent", s.percent())
          .put("minDwellSeconds", s.minDwell().toSeconds())
          .put("maxDwellSeconds", s.maxDwell().toSeconds());
      if (s.gate() != null) {
        ObjectNode g = step.putObject("gate");
        if (s.gate().timeout() != null) {
          g.put("timeoutSeconds", s.gate().timeout().toSeconds());
        }
        g.put("onTimeout", s.gate().onTimeout().name().toLowerCase(Locale.ROOT));
      }
    }
    JudgeSettings j = p.judge();
    root.putObject("judge")
        .put("alpha", j.alpha())
        .put("minimumErrorRatio", j.minimumErrorRatio())
        .put("minimumLatencyIncrease", j.minimumLatencyIncrease())
        .put("guardrailErrorRate", j.guardrailErrorRate())
        .put("guardrailMinRequests", j.guardrailMinRequests())
        .put("maxCpuUtilisation", j.maxCpuUtilisation())
        .put("maxMemoryUtilisation", j.maxMemoryUtilisation())
        .put("latencyWarmupSeconds", j.latencyWarmupSeconds());
    root.putObject("metrics")
        .put("alignmentPeriodSeconds", p.metrics().alignmentPeriod().toSeconds())
        .put("ingestDelaySeconds", p.metrics().ingestDelay().toSeconds());
    root.putObject("smokeCheck")
        .put("path", p.smokeCheck().path())
        .put("expectedStatus", p.smokeCheck().expectedStatus())
        .put("attempts", p.smokeCheck().attempts())
        .put("timeoutSeconds", p.smokeCheck().timeout().toSeconds());
    root.put("onNewBuild", p.onNewBuild().name().toLowerCase(Locale.ROOT));
    root.put("candidateTag", p.candidateTag());
    if (p.release().restricts()) {
      ObjectNode rel = root.putObject("release");
      p.release().imagePrefixes().forEach(rel.putArray("imagePrefixes")::add);
      p.release().buildProjects().forEach(rel.putArray("buildProjects")::add);
      p.release().triggerIds().forEach(rel.putArray("triggerIds")::add);
    }
    if (p.operators().restricts()) {
      p.operators().emails().forEach(root.putArray("operators")::add);
    }
    root.put("onInconclusive", p.onInconclusive().name().toLowerCase(Locale.ROOT));
    ScheduleJson.write(p.schedule(), root);
    root.put("mode", p.mode().jsonName());
    root.putObject("bake").put("durationSeconds", p.bake().duration().toSeconds())
        .put("stableTag", p.bake().stableTag());
    if (p.candidateScaling().sets()) {
      ObjectNode cs = root.putObject("candidateScaling");
      if (p.candidateScaling().minInstances() != null) {
        cs.put("minInstances", p.candidateScaling().minInstances());
      }
      if (p.candidateScaling().maxInstances() != null) {
        cs.put("maxInstances", p.candidateScaling().maxInstances());
      }
    }
    RegionJson.write(p.regions(), root);
    return root.toString();
  }

  /**
   * A step's {@code gate}: absent, none; {@code {}} waits for an approval however long;
   * {@code timeoutSeconds} and {@code onTimeout} (proceed | rollback, default rollback).
   */
  private static Gate gate(JsonNode g, String at, List<String> problems) {
    if (g.isMissingNode() || g.isNull()) {
      return null;
    }
    if (!g.isObject()) {
      problems.add(at + ": must be an object ({} waits for an approval, or timeoutSeconds and"
          + " onTimeout)");
      return null;
    }
    unknown(g, GATE, at + ".", problems);
    Duration timeout = g.hasNonNull("timeoutSeconds") ? Duration.ofSeconds((long) number(g,
        "timeoutSeconds", at + ".timeoutSeconds", Double.NaN, problems)) : null;
    String onTimeout = text(g, "onTimeout", "rollback");
    try {
      return new Gate(timeout, Gate.OnTimeout.valueOf(onTimeout.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      problems.add(at + ".onTimeout: '" + onTimeout + "' must be 'proceed' or 'rollback'");
      return null;
    }
  }

  /** Names every field of {@code node} not in {@code known} (ScheduleJson uses it too). */
  static void unknown(JsonNode node, Set<String> known, String prefix, List<String> problems) {
    if (node.isMissingNode()) {
      return;
    }
    if (!node.isObject()) {
      problems.add((prefix.isEmpty() ? "policy" : prefix.substring(0, prefix.length() - 1))
          + ": must be a JSON object");
      return;
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        problems.add(prefix + name + ": unknown field (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
      }
    }
  }

  private static double number(JsonNode node, String field, String path, double fallback,
      List<String> problems) {
    JsonNode v = node.path(field);
    if (v.isMissingNode() || v.isNull()) {
      if (Double.isNaN(fallback)) {
        problems.add(path + ": is required");
        return 0;
      }
      return fallback;
    }
    if (!v.isNumber()) {
      problems.add(path + ": '" + v.asText() + "' is not a number");
      return fallback;
    }
    return v.asDouble();
  }

  /** A whole number of instances, or null when absent; anything else is named. */
  private static Integer count(JsonNode node, String field, String path, List<String> problems) {
    JsonNode v = node.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      problems.add(path + ": '" + v.asText() + "' is not a whole number of instances");
      return null;
    }
    return v.asInt();
  }

  /** A list of strings; absent is empty; anything else is named. */
  static List<String> strings(JsonNode node, String field, String path,
      List<String> problems) {
    JsonNode v = node.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      problems.add(path + ": must be an array of strings");
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      if (!v.get(i).isTextual()) {
        problems.add(path + "[" + i + "]: '" + v.get(i) + "' is not a string");
      } else {
        out.add(v.get(i).asText());
      }
    }
    return out;
  }

  private static String text(JsonNode node, String field, String fallback) {
    JsonNode v = node.path(field);
    return v.isTextual() ? v.asText() : fallback;
  }
}
