package dev.canaryrun.judge;

import dev.canaryrun.policy.JudgeSettings;

/** Judges a canary against its stable revision. Pure: no I/O, no clock. */
public interface CanaryJudge {
  Judgement judge(JudgeState state, JudgeSettings settings, JudgeInput input);
}
