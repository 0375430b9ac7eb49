package dev.canaryrun.gcp.store;

import dev.canaryrun.judge.Check;
import dev.canaryrun.judge.CalibrationWindow;
import dev.canaryrun.judge.ErrorFloor;
import dev.canaryrun.judge.ErrorTally;
import dev.canaryrun.judge.JudgeState;
import dev.canaryrun.judge.QuantileState;
import dev.canaryrun.judge.RatioState;
import dev.canaryrun.judge.LateData;
import dev.canaryrun.judge.SeenMinute;
import dev.canaryrun.judge.SequentialEvidence;
import dev.canaryrun.judge.StepTraffic;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.policy.PolicyJson;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.ExpiryAction;
import dev.canaryrun.rollout.Pause;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutSpec;
import dev.canaryrun.rollout.RolloutState;
import dev.canaryrun.rollout.RolloutStatus;
import dev.canaryrun.rollout.TrafficIntent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Rollouts and audit entries for the store tests. */
final class TestRollouts {
  static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  private TestRollouts() {}

  /** A rollout with a value in every field, nullable ones included, and a non-default policy. */
  static Rollout rich(String id, String service) {
    RolloutPolicy policy = PolicyJson.parse("""
        {"steps": [{"percent": 10, "minDwellSeconds": 60, "maxDwellSeconds": 120},
                   {"percent": 40, "minDwellSeconds": 90,
                    "gate": {"timeoutSeconds": 1800, "onTimeout": "proceed"}}],
         "judge": {"alpha": 0.05, "guardrailMinRequests": 50},
         "onNewBuild": "ignore", "candidateTag": "next"}
        """);
    Verdict verdict = new Verdict(Outcome.INCONCLUSIVE, "too little traffic: 12 requests", List.of(
        new Check("errors", Outcome.INCONCLUSIVE, "canary 1/12 errors vs stable 3/240",
            Map.of("canaryErrors", 1.0, "canaryRequests", 12.0, "eValue", 1.7302)),
        new Check("latency", Outcome.PASS, "p99 within 20% of stable",
            Map.of("canaryP99Ms", 231.5, "stableP99Ms", 219.0))));
    RolloutSpec spec = new RolloutSpec(id, service, "europe-west1",
        "europe-docker.pkg.dev/p/r/" + service + "@sha256:0123abcd", "build-7f3a",
        T0.minusSeconds(90), id, true, policy, T0);
    return new Rollout(spec, new RolloutStatus(RolloutState.PAUSED, 1, T0.plusSeconds(600),
        service + "-00041-xyz", "https://next---" + service + ".a.run.app",
        new TrafficIntent(40, false),
        new JudgeState(T0.plusSeconds(540), evidence(), Map.of("errors.logE", 0.5473,
            "latency.logE", -0.25, "buckets", 9.0)),
        verdict,
        new Pause("canaryrun", "gate at step 2", T0.plusSeconds(3600), ExpiryAction.PROCEED,
            true),
        Set.of("incident-b", "incident-a"), "awaiting approval to leave step 2 (40%)",
        T0.plusSeconds(1200)),
        0, T0.plusSeconds(660));
  }

  /** Typed judge evidence with every kind of field set, so a round trip can lose none. */
  static SequentialEvidence evidence() {
    RatioState errors = new RatioState(List.of(0.64, -0.02, -2.6, -8.8, -21.9),
        List.of(1.97, 1.32, 0.74, 0.67), true, 19, 35, 3100, 7600);
    QuantileState p50 = new QuantileState(true, 100, 1.2104, 7000, 3500, 1,
        new RatioState(List.of(-4.3, -24.0, -80.6, -241.7, -624.2, -1367.6),
            List.of(-18.0, 7.28, 5.46, 5.28), false, 1475, 3500, 2950, 7000));
    QuantileState p99 = new QuantileState(true, 0, 0, 0, 0, 0, RatioState.EMPTY);
    return new SequentialEvidence(new StepTraffic(50, 1600, 1620, 4, 1, 20, 800),
        new ErrorTally(3100, 19, 7600, 35), errors, new ErrorFloor(-10.08, false),
        List.of(p50, QuantileState.EMPTY, p99),
        new CalibrationWindow(List.of(50.0, 100.0, 200.0, 400.0),
            List.of(580.0, 2320.0, 1740.0, 870.0, 290.0)),
        new ErrorTally(10, 1, 400, 2), 1736157600L,
        new RatioState(List.of(), List.of(0.4, 0.3, 0.2, 0.1), false, 19, 35, 3100, 7600),
        new LateData(1736157600L, 1736158080L, List.of(
            new SeenMinute(1736158020L, new ErrorTally(400, 3, 410, 2), 395, 405,
                List.of(100.0, 0.0, 0.0), List.of(210.0, 0.0, 0.0), List.of(190.0, 0.0, 0.0)),
            new SeenMinute(1736158080L, new ErrorTally(0, 0, 12, 0), 0, 12, List.of(),
                List.of(), List.of())), 620, 35));
  }

  static Rollout simple(String id, String service, RolloutState state, TrafficIntent traffic,
      Instant createdAt) {
    return simple(id, service, "us-central1", state, traffic, createdAt);
  }

  static Rollout simple(String id, String service, String region, RolloutState state,
      TrafficIntent traffic, Instant createdAt) {
    RolloutPolicy policy = RolloutPolicy.defaults();
    int step = state.judged() ? 0 : -1;
    Pause pause = state == RolloutState.PAUSED
        ? new Pause("bob", "hold", null, ExpiryAction.RESUME) : null;
    return new Rollout(new RolloutSpec(id, service, region, "img@sha256:00",
        "build-" + id, createdAt, id, false, policy, createdAt),
        new RolloutStatus(state, step, createdAt, null, null, traffic, null, null, pause,
            Set.of(), "0", null), 0, createdAt);
  }

  static AuditEntry entry(String message, Verdict verdict) {
    return new AuditEntry(T0, "event-" + message, "Tick", "canaryrun", RolloutState.CANARY,
        RolloutState.CANARY, 5, 20, message, verdict);
  }
}
