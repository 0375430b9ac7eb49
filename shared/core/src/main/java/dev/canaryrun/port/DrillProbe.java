package dev.canaryrun.port;

import dev.canaryrun.report.DrillReport;
import dev.canaryrun.rollout.DrillCheck;
import java.util.List;

/**
 * What a rollback drill reads from the outside world (Cloud Run and Cloud Monitoring), besides
 * what every rollout uses: the revision that serves, what a real rollback depends on, and
 * what Cloud Run serves when the drill has ended.
 */
public interface DrillProbe {
  /**
   * The revision serving the service and its image.
   *
   * @throws PermanentFailure when the service cannot be drilled as it is: no single revision
   *     serves 100% (a split, a LATEST target), with the split named
   */
  Stable stable(String service, String region);

  /**
   * What a real rollback depends on, checked now: this function's permissions on the
   * service for what the traffic router calls (Cloud Run's testIamPermissions), and the
   * service's alert policies (they exist, are enabled and notify canaryrun's channel).
   * Never throws for a failed check: a failure is a check that did not pass.
   */
  List<DrillCheck> preflight(String service, String region);

  /** What Cloud Run serves {@code revision} now, and since when its state is ready. */
  DrillReport.Served served(String service, String region, String revision);

  /** @param image the image by digest, as the revision runs it */
  record Stable(String revision, String image) {}

  /** No drills: every drill command is refused with this reason. */
  DrillProbe NONE = new DrillProbe() {
    @Override
    public Stable stable(String service, String region) {
      throw new PermanentFailure("rollback drills are not configured in this controller");
    }

    @Override
    public List<DrillCheck> preflight(String service, String region) {
      return List.of();
    }

    @Override
    public DrillReport.Served served(String service, String region, String revision) {
      return null;
    }
  };
}
