package dev.canaryrun.rollout;

/**
 * The candidate's desired share of traffic (the stable revision gets the rest) and whether
 * Cloud Run has confirmed it. Traffic changes are level-triggered: the intent is stored
 * before it is applied, so a crash in between is repaired by re-applying it on the next event.
 */
public record TrafficIntent(int candidatePercent, boolean applied) {
  public TrafficIntent {
    if (candidatePercent < 0 || candidatePercent > 100) {
      throw new IllegalArgumentException("candidatePercent " + candidatePercent + " outside 0..100");
    }
  }

  public static TrafficIntent none() {
    return new TrafficIntent(0, true);
  }

  public static TrafficIntent desired(int candidatePercent) {
    return new TrafficIntent(candidatePercent, false);
  }

  public TrafficIntent markApplied() {
    return new TrafficIntent(candidatePercent, true);
  }

  public boolean pending() {
    return !applied;
  }
}
