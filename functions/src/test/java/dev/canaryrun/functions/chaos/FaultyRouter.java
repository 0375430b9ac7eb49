package dev.canaryrun.functions.chaos;

import dev.canaryrun.port.TrafficRouter;
import dev.canaryrun.rollout.Effect.DeployRevision;
import dev.canaryrun.rollout.Effect.LocateRevision;
import dev.canaryrun.rollout.Effect.ObserveTraffic;
import dev.canaryrun.rollout.Effect.SetTraffic;

/** The Cloud Run router with seeded faults before and after every call. */
record FaultyRouter(TrafficRouter real, Faults faults) implements TrafficRouter {
  @Override
  public Deployment deploy(DeployRevision request) {
    return faults.call("deploy " + request.revision(), () -> real.deploy(request));
  }

  @Override
  public Deployment locate(LocateRevision request) {
    return faults.call("locate " + request.revision(), () -> real.locate(request));
  }

  @Override
  public void setTraffic(SetTraffic request) {
    faults.run("traffic " + request.candidateRevision() + " " + request.candidatePercent() + "%",
        () -> real.setTraffic(request));
  }

  @Override
  public int candidatePercentServed(ObserveTraffic request) {
    return faults.call("observe " + request.candidateRevision(),
        () -> real.candidatePercentServed(request));
  }
}
