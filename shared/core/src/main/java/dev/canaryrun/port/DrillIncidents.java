package dev.canaryrun.port;

import dev.canaryrun.rollout.Effect.FireDrillIncident;

/**
 * Publishes a drill incident on canaryrun-alerts, the topic Cloud Monitoring's notification
 * channel publishes real incidents to, so that a drill rollback takes the real alert path.
 */
public interface DrillIncidents {
  /** @throws TransientFailure when the publish was not acknowledged */
  void publish(FireDrillIncident incident);

  DrillIncidents NONE = i -> {
    throw new PermanentFailure("rollback drills are not configured: no alerts topic");
  };
}
