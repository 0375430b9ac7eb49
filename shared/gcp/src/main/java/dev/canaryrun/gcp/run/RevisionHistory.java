package dev.canaryrun.gcp.run;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.Revision;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

/**
 * Which revision served before a change. When a build deploys a revision to a service whose
 * traffic follows LATEST, the new revision serves everything by the time canaryrun hears of it
 * and traffic_statuses no longer name the one it replaced. That one is the newest revision
 * created before the candidate that became ready: LATEST served it until the candidate was
 * ready. It cannot be a revision of the change itself, which is the point: the candidate is
 * never compared with itself and a rollback never lands on the new image.
 */
final class RevisionHistory {
  private final CloudRunClients clients;

  RevisionHistory(CloudRunClients clients) {
    this.clients = clients;
  }

  /**
   * Creation order: create time, then Cloud Run's per-service sequence number in generated
   * names ({@code svc-00007-2gd}), which orders revisions created within the same instant.
   */
  static final Comparator<Revision> CREATED = Comparator
      .comparing((Revision r) -> r.getCreateTime().getSeconds())
      .thenComparing(r -> r.getCreateTime().getNanos())
      .thenComparing(RevisionHistory::sequence);

  private static final Pattern SEQUENCE = Pattern.compile("-(\\d{5})-[a-z0-9]{3}$");

  Optional<String> servedBefore(String service, Revision candidate) {
    try {
      return StreamSupport.stream(
              clients.revisions().listRevisions(service).iterateAll().spliterator(), false)
          .filter(r -> !r.getName().equals(candidate.getName()))
          .filter(r -> CREATED.compare(r, candidate) < 0)
          .filter(RevisionHistory::ready)
          .max(CREATED)
          .map(r -> TrafficPlan.shortName(r.getName()));
    } catch (ApiException e) {
      throw RunFailures.map(e, "list revisions", service, candidate.getName());
    }
  }

  private static int sequence(Revision r) {
    Matcher m = SEQUENCE.matcher(r.getName());
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  private static boolean ready(Revision r) {
    return r.getConditionsList().stream().anyMatch(c -> c.getType().equals("Ready")
        && c.getState() == Condition.State.CONDITION_SUCCEEDED);
  }
}
