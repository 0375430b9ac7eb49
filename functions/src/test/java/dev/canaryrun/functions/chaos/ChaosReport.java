package dev.canaryrun.functions.chaos;

import java.util.ArrayList;
import java.util.List;

/** The figures of one fault-suite run, as the suite prints them. */
record ChaosReport(ChaosRun.Config config, int messages, long deliveries, long duplicates,
    long redeliveries, long faultsBefore, long faultsAfter, Wire firestoreWire, Wire runWire,
    long failedDeliveries,
    int rollouts, long p50Micros, long p99Micros, List<String> violations) {

  /** What one wire proxy did. */
  record Wire(long connections, long cuts, long lostReplies, long callsCut, long delays) {
    static Wire of(WireFaults p) {
      return new Wire(p.connections.get(), p.cuts.get(), p.lostReplies.get(), p.callsCut.get(),
          p.delays.get());
    }
  }

  static ChaosReport of(ChaosRun.Config config, ChaosRun run, ChaosWorld world, int rollouts,
      List<String> violations) {
    List<Long> lat = new ArrayList<>(run.latenciesMicros);
    lat.sort(null);
    return new ChaosReport(config, run.published.size(), run.deliveries.get(),
        run.duplicates.get(), run.redeliveries.get(), world.faults.before.get(),
        world.faults.after.get(), Wire.of(world.firestoreWire), Wire.of(world.runWire),
        run.failedDeliveries.get(), rollouts, percentile(lat, 0.50), percentile(lat, 0.99),
        List.copyOf(violations));
  }

  private static long percentile(List<Long> sorted, double q) {
    if (sorted.isEmpty()) {
      return 0;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
  }

  String table() {
    return String.format("""
        | services | rounds | port fault p | wire p | messages | deliveries | duplicate deliveries | redelivered | port faults (before / after the call) | wire, Firestore: cut / reply lost | wire, Cloud Run: cut / reply lost | calls in flight at the cuts | delays | deliveries that died | rollouts | violations | handling p50 | p99 |
        |---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|
        | %d | %d | %.2f | %.2f | %d | %d | %d | %d | %d (%d / %d) | %d / %d | %d / %d | %d | %d | %d | %d | %d | %.1f ms | %.1f ms |
        """, config.services(), config.rounds(), config.faultProbability(), config.wireRate(),
        messages, deliveries, duplicates, redeliveries, faultsBefore + faultsAfter, faultsBefore,
        faultsAfter, firestoreWire.cuts(), firestoreWire.lostReplies(), runWire.cuts(),
        runWire.lostReplies(), firestoreWire.callsCut() + runWire.callsCut(),
        firestoreWire.delays() + runWire.delays(), failedDeliveries, rollouts, violations.size(),
        p50Micros / 1000.0, p99Micros / 1000.0)
        + (violations.isEmpty() ? "" : "violations:\n  " + String.join("\n  ", violations) + "\n");
  }
}
