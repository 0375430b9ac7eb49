package dev.canaryrun.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The rollout policy of one watched service: the traffic steps, the judge's settings, how
 * metrics are read, the smoke check, and what a newer build does to an in-flight rollout.
 * After the last step the candidate is promoted to 100%.
 *
 * <p>The constructor validates everything at once and names each bad field with its value,
 * because policies are written by people (Terraform variables) and a one-problem-at-a-time
 * error loop is slow to fix.
 */
public record RolloutPolicy(
    List<Step> steps,
    JudgeSettings judge,
    MetricsSettings metrics,
    SmokeCheckSettings smokeCheck,
    NewBuildAction onNewBuild,
    String candidateTag,
    ReleaseRules release,
    Operators operators,
    InconclusiveAction onInconclusive,
    ReleaseSchedule schedule,
    ControlMode mode,
    BakeSettings bake,
    CandidateScaling candidateScaling,
    RegionPlan regions) {

  // Cloud Run tags become part of a DNS label: lower-case letters, digits and dashes.
  /** Every step is stored in each rollout's policy snapshot: bounded with the document. */
  public static final int MAX_STEPS = 20;
  /** The smoke check's path is a URL path, stored in the snapshot too. */
  public static final int MAX_PATH = 512;

  private static final Pattern TAG = Pattern.compile("[a-z]([-a-z0-9]{0,45}[a-z0-9])?");

  public RolloutPolicy {
    Objects.requireNonNull(steps, "steps");
    Objects.requireNonNull(judge, "judge");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(smokeCheck, "smokeCheck");
    Objects.requireNonNull(onNewBuild, "onNewBuild");
    Objects.requireNonNull(candidateTag, "candidateTag");
    Objects.requireNonNull(release, "release");
    Objects.requireNonNull(operators, "operators");
    Objects.requireNonNull(onInconclusive, "onInconclusive");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(bake, "bake");
    Objects.requireNonNull(candidateScaling, "candidateScaling");
    Objects.requireNonNull(regions, "regions");
    steps = List.copyOf(steps);
    List<String> problems = new ArrayList<>();
    checkSteps(steps, problems);
    checkJudge(judge, problems);
    checkMetrics(metrics, problems);
    checkSmoke(smokeCheck, problems);
    release.validate(problems);
    operators.validate(problems);
    schedule.validate(problems);
    bake.validate(candidateTag, TAG, problems);
    candidateScaling.validate(problems);
    regions.validate(problems);
    if (regions.spansRegions() && mode == ControlMode.OBSERVE) {
      problems.add("regions: set with mode 'observe'; a release across regions is steered"
          + " wave by wave, and observe-only mode steers nothing (watch one region per policy)");
    }
    if (candidateScaling.sets() && mode == ControlMode.OBSERVE) {
      problems.add("candidateScaling: set with mode 'observe', where canaryrun creates no"
          + " revision to set it on; remove it, or scale the revision in your pipeline");
    }
    if (!TAG.matcher(candidateTag).matches()) {
      problems.add("candidateTag: '" + candidateTag
          + "' must be lower-case letters, digits and dashes, starting with a letter");
    }
    if (!problems.isEmpty()) {
      throw new InvalidPolicyException(problems);
    }
  }

  /** One region, the policy document's (the form before releases spanned regions). */
  public RolloutPolicy(List<Step> steps, JudgeSettings judge, MetricsSettings metrics,
      SmokeCheckSettings smokeCheck, NewBuildAction onNewBuild, String candidateTag,
      ReleaseRules release, Operators operators, InconclusiveAction onInconclusive,
      ReleaseSchedule schedule, ControlMode mode, BakeSettings bake,
      CandidateScaling candidateScaling) {
    this(steps, judge, metrics, smokeCheck, onNewBuild, candidateTag, release, operators,
        onInconclusive, schedule, mode, bake, candidateScaling, RegionPlan.single());
  }

  /** The same policy released across {@code plan}'s regions. */
  public RolloutPolicy withRegions(RegionPlan plan) {
    return new RolloutPolicy(steps, judge, metrics, smokeCheck, onNewBuild, candidateTag,
        release, operators, onInconclusive, schedule, mode, bake, candidateScaling, plan);
  }

  /** The candidate scales as the stable does (the form before candidate scaling existed). */
  public RolloutPolicy(List<Step> steps, JudgeSettings judge, MetricsSettings metrics,
      SmokeCheckSettings smokeCheck, NewBuildAction onNewBuild, String candidateTag,
      ReleaseRules release, Operators operators, InconclusiveAction onInconclusive,
      ReleaseSchedule schedule, ControlMode mode, BakeSettings bake) {
    this(steps, judge, metrics, smokeCheck, onNewBuild, candidateTag, release, operators,
        onInconclusive, schedule, mode, bake, CandidateScaling.none());
  }

  /** No bake time (the form before bake time existed). */
  public RolloutPolicy(List<Step> steps, JudgeSettings judge, MetricsSettings metrics,
      SmokeCheckSettings smokeCheck, NewBuildAction onNewBuild, String candidateTag,
      ReleaseRules release, Operators operators, InconclusiveAction onInconclusive,
      ReleaseSchedule schedule, ControlMode mode) {
    this(steps, judge, metrics, smokeCheck, onNewBuild, candidateTag, release, operators,
        onInconclusive, schedule, mode, BakeSettings.none());
  }

  /** The same policy with bake time {@code b}. */
  public RolloutPolicy withBake(BakeSettings b) {
    return new RolloutPolicy(steps, judge, metrics, smokeCheck, onNewBuild, candidateTag,
        release, operators, onInconclusive, schedule, mode, b, candidateScaling, regions);
  }

  /** canaryrun steers traffic (the form before observe-only mode existed). */
  public RolloutPolicy(List<Step> steps, JudgeSettings judge, MetricsSettings metrics,
      SmokeCheckSettings smokeCheck, NewBuildAction onNewBuild, String candidateTag,
      ReleaseRules release, Operators operators, InconclusiveAction onInconclusive,
      ReleaseSchedule schedule) {
    this(steps, judge, metrics, smokeCheck, onNewBuild, candidateTag, release, operators,
        onInconclusive, schedule, ControlMode.CONTROL);
  }

  /** The same policy in {@code mode}. */
  public RolloutPolicy withMode(ControlMode m) {
    return new RolloutPolicy(steps, judge, metrics, smokeCheck, onNewBuild, candidateTag,
        release, operators, onInconclusive, schedule, m, bake, candidateScaling, regions);
  }

  /** Whether canaryrun only judges (never writes traffic). */
  public boolean observeOnly() {
    return mode == ControlMode.OBSERVE;
  }

  /** Any time: no release windows or freezes (the form before schedules existed). */
  public RolloutPolicy(List<Step> steps, JudgeSettings judge, MetricsSettings metrics,
      SmokeCheckSettings smokeCheck, NewBuildAction onNewBuild, String candidateTag,
      ReleaseRules release, Operators operators, InconclusiveAction onInconclusive) {
    this(steps, judge, metrics, smokeCheck, onNewBuild, candidateTag, release, operators,
        onInconclusive, ReleaseSchedule.always());
  }

  /**
   * A policy that does not restrict who releases or operates (the form before both existed),
   * with the default {@link InconclusiveAction}.
   */
  public RolloutPolicy(List<Step> steps, JudgeSettings judge, MetricsSettings metrics,
      SmokeCheckSettings smokeCheck, NewBuildAction onNewBuild, String candidateTag) {
    this(steps, judge, metrics, smokeCheck, onNewBuild, candidateTag, ReleaseRules.unrestricted(),
        Operators.anyone(), InconclusiveAction.PROMOTE);
  }

  /** Unrestricted release and operators, with {@code onInconclusive}. */
  public RolloutPolicy(List<Step> steps, JudgeSettings judge, MetricsSettings metrics,
      SmokeCheckSettings smokeCheck, NewBuildAction onNewBuild, String candidateTag,
      InconclusiveAction onInconclusive) {
    this(steps, judge, metrics, smokeCheck, onNewBuild, candidateTag, ReleaseRules.unrestricted(),
        Operators.anyone(), onInconclusive);
  }

  /** The policy's time budget: every step at its maximum dwell. */
  public java.time.Duration timeBudget() {
    return steps.stream().map(Step::maxDwell).reduce(java.time.Duration.ZERO,
        java.time.Duration::plus);
  }

  /** The field's common practice: 5% for 5 min, 20% for 10 min, 50% for 15 min, then 100%. */
  public static RolloutPolicy defaults() {
    return new RolloutPolicy(
        List.of(
            Step.of(5, Duration.ofMinutes(5)),
            Step.of(20, Duration.ofMinutes(10)),
            Step.of(50, Duration.ofMinutes(15))),
        JudgeSettings.defaults(),
        MetricsSettings.defaults(),
        SmokeCheckSettings.defaults(),
        NewBuildAction.SUPERSEDE,
        "canary",
        ReleaseRules.unrestricted(),
        Operators.anyone(),
        InconclusiveAction.PROMOTE);
  }

  public Step step(int index) {
    return steps.get(index);
  }

  public boolean isLastStep(int index) {
    return index == steps.size() - 1;
  }

  private static void checkSteps(List<Step> steps, List<String> problems) {
    if (steps.isEmpty()) {
      problems.add("steps: must contain at least one step");
    }
    if (steps.size() > MAX_STEPS) {
      problems.add("steps: " + steps.size() + " steps, over the limit of " + MAX_STEPS);
    }
    int previous = 0;
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      String at = "steps[" + i + "]";
      if (s.percent() < 1 || s.percent() > 99) {
        problems.add(at + ".percent: " + s.percent()
            + " is outside 1..99 (100% is the promotion after the last step)");
      } else if (s.percent() <= previous) {
        problems.add(at + ".percent: " + s.percent()
            + " must be greater than the previous step's " + previous);
      }
      previous = Math.max(previous, s.percent());
      if (isNotPositive(s.minDwell())) {
        problems.add(at + ".minDwell: " + s.minDwell() + " must be > 0");
      }
      if (s.maxDwell().compareTo(s.minDwell()) < 0) {
        problems.add(at + ".maxDwell: " + s.maxDwell() + " must be >= minDwell " + s.minDwell());
      }
      if (s.gate() != null) {
        s.gate().validate(at, problems);
      }
    }
  }

  private static void checkJudge(JudgeSettings j, List<String> problems) {
    if (!(j.alpha() > 0 && j.alpha() < 0.5)) {
      problems.add("judge.alpha: " + j.alpha() + " must be in (0, 0.5)");
    }
    if (!(j.minimumErrorRatio() > 1.0)) {
      problems.add("judge.minimumErrorRatio: " + j.minimumErrorRatio() + " must be > 1");
    }
    if (!(j.minimumLatencyIncrease() > 0.0)) {
      problems.add("judge.minimumLatencyIncrease: " + j.minimumLatencyIncrease() + " must be > 0");
    }
    if (!(j.guardrailErrorRate() > 0 && j.guardrailErrorRate() <= 1)) {
      problems.add("judge.guardrailErrorRate: " + j.guardrailErrorRate() + " must be in (0, 1]");
    }
    if (j.guardrailMinRequests() < 1) {
      problems.add("judge.guardrailMinRequests: " + j.guardrailMinRequests() + " must be >= 1");
    }
    if (!(j.maxCpuUtilisation() > 0 && j.maxCpuUtilisation() <= 1)) {
      problems.add("judge.maxCpuUtilisation: " + j.maxCpuUtilisation() + " must be in (0, 1]");
    }
    if (!(j.maxMemoryUtilisation() > 0 && j.maxMemoryUtilisation() <= 1)) {
      problems.add("judge.maxMemoryUtilisation: " + j.maxMemoryUtilisation() + " must be in (0, 1]");
    }
    if (j.latencyWarmupSeconds() < 0) {
      problems.add("judge.latencyWarmupSeconds: " + j.latencyWarmupSeconds() + " must be >= 0");
    }
  }

  private static void checkMetrics(MetricsSettings m, List<String> problems) {
    if (isNotPositive(m.alignmentPeriod())) {
      problems.add("metrics.alignmentPeriod: " + m.alignmentPeriod() + " must be > 0");
    }
    if (m.ingestDelay().isNegative()) {
      problems.add("metrics.ingestDelay: " + m.ingestDelay() + " must be >= 0");
    }
  }

  private static void checkSmoke(SmokeCheckSettings s, List<String> problems) {
    if (s.path().length() > MAX_PATH) {
      problems.add("smokeCheck.path: " + s.path().length() + " characters, over the limit of "
          + MAX_PATH);
    } else if (!s.path().startsWith("/")) {
      problems.add("smokeCheck.path: '" + s.path() + "' must start with '/'");
    }
    if (s.expectedStatus() < 100 || s.expectedStatus() > 599) {
      problems.add("smokeCheck.expectedStatus: " + s.expectedStatus() + " is not an HTTP status");
    }
    if (s.attempts() < 1 || s.attempts() > 20) {
      problems.add("smokeCheck.attempts: " + s.attempts() + " must be in 1..20");
    }
    if (isNotPositive(s.timeout())) {
      problems.add("smokeCheck.timeout: " + s.timeout() + " must be > 0");
    }
  }

  private static boolean isNotPositive(Duration d) {
    return d.isZero() || d.isNegative();
  }
}
