package dev.canaryrun.service;

import dev.canaryrun.port.SmokeChecker;
import dev.canaryrun.port.TrafficRouter;
import dev.canaryrun.port.TransientFailure;
import dev.canaryrun.rollout.Effect.DeployRevision;
import dev.canaryrun.rollout.Effect.LocateRevision;
import dev.canaryrun.rollout.Effect.ObserveTraffic;
import dev.canaryrun.rollout.Effect.SetTraffic;
import dev.canaryrun.rollout.Effect.SmokeCheck;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Cloud Run stand-in for service tests: remembers the split per service, records every call,
 * and can fail the next traffic change the way a crash or an outage would.
 */
final class FakeCloudRun implements TrafficRouter, SmokeChecker {
  final List<DeployRevision> deploys = new ArrayList<>();
  final List<SetTraffic> trafficCalls = new ArrayList<>();
  final Map<String, Map<String, Integer>> split = new HashMap<>();
  int failNextTrafficChanges;
  int failNextDeploys;
  boolean smokePasses = true;
  /** Runs once inside the next traffic change, before it lands: a concurrent invocation. */
  Runnable duringNextTrafficChange;
  /** When set, the next traffic change lands and then fails, as a crash right after it would. */
  boolean failAfterNextTrafficChange;
  /** The split as the last deploy found it (what a real deploy picks its stable from). */
  Map<String, Integer> splitAtLastDeploy = Map.of();
  /** The call-stack depth of each deploy and traffic change, in call order. */
  final List<Integer> stackDepths = new ArrayList<>();

  FakeCloudRun serving(String service, String revision) {
    split.put(service, new HashMap<>(Map.of(revision, 100)));
    return this;
  }

  @Override
  public synchronized Deployment deploy(DeployRevision request) {
    if (failNextDeploys > 0) {
      failNextDeploys--;
      throw new TransientFailure("UNAVAILABLE: deploy interrupted");
    }
    deploys.add(request);
    splitAtLastDeploy = Map.copyOf(split.getOrDefault(request.service(), Map.of()));
    stackDepths.add(Thread.currentThread().getStackTrace().length);
    Map<String, Integer> s = split.get(request.service());
    String stable = s.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    return new Deployment(request.revision(), stable,
        "https://" + request.tag() + "---" + request.service() + ".run.app");
  }

  /** Every locate, in order: observe-only mode's one call besides reading the split. */
  final List<LocateRevision> locates = new ArrayList<>();

  @Override
  public synchronized Deployment locate(LocateRevision request) {
    locates.add(request);
    Map<String, Integer> s = split.get(request.service());
    String stable = s.entrySet().stream().filter(x -> !x.getKey().equals(request.revision()))
        .max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    return new Deployment(request.revision(), stable, null);
  }

  @Override
  public synchronized void setTraffic(SetTraffic t) {
    if (failNextTrafficChanges > 0) {
      failNextTrafficChanges--;
      throw new TransientFailure("UNAVAILABLE: Cloud Run is having a moment");
    }
    Runnable during = duringNextTrafficChange;
    duringNextTrafficChange = null;
    if (during != null) {
      during.run();
    }
    trafficCalls.add(t);
    stackDepths.add(Thread.currentThread().getStackTrace().length);
    Map<String, Integer> s = new HashMap<>();
    if (t.candidatePercent() < 100) {
      s.put(t.stableRevision(), 100 - t.candidatePercent());
    }
    if (t.candidatePercent() > 0) {
      s.put(t.candidateRevision(), t.candidatePercent());
    }
    split.put(t.service(), s);
    if (failAfterNextTrafficChange) {
      failAfterNextTrafficChange = false;
      throw new TransientFailure("DEADLINE_EXCEEDED: the invocation died after its write landed");
    }
  }

  @Override
  public synchronized int candidatePercentServed(ObserveTraffic request) {
    return percentOf(request.service(), request.candidateRevision());
  }

  @Override
  public Result check(SmokeCheck request) {
    return new Result(smokePasses, "GET " + request.url() + request.settings().path() + " -> "
        + (smokePasses ? "200" : "503"));
  }

  synchronized int percentOf(String service, String revision) {
    return split.getOrDefault(service, Map.of()).getOrDefault(revision, 0);
  }
}
