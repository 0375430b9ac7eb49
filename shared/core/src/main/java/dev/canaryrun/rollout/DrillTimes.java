package dev.canaryrun.rollout;

import java.time.Instant;

/**
 * How far a drill's alert path got, in the rollout's status: the measured figures of the
 * drill report come from here and from Cloud Run.
 *
 * @param firedAt when the controller decided to publish the drill incident (first step
 *     confirmed by Cloud Run); null before
 * @param alertPublishedAt the drill incident's Pub/Sub publish time, as the alert function
 *     received it; null until the incident arrived
 * @param rollbackDecidedAt when the alert function decided the rollback; null until then
 */
public record DrillTimes(Instant firedAt, Instant alertPublishedAt, Instant rollbackDecidedAt) {
  public static final DrillTimes NONE = new DrillTimes(null, null, null);

  DrillTimes fired(Instant at) {
    return new DrillTimes(at, alertPublishedAt, rollbackDecidedAt);
  }

  DrillTimes decided(Instant published, Instant decided) {
    return new DrillTimes(firedAt, published, decided);
  }
}
