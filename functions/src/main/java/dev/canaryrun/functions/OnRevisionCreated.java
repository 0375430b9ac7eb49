package dev.canaryrun.functions;

import dev.canaryrun.gcp.decode.Decoded;
import dev.canaryrun.gcp.decode.EventSource;
import dev.canaryrun.gcp.decode.PubSubMessage;
import dev.canaryrun.gcp.decode.RunAuditLogDecoder.RevisionChange;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import dev.canaryrun.service.BuildAdmission;
import dev.canaryrun.service.HandleResult;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code canaryrun-revisions}: Cloud Run's Admin Activity audit log (a Logging sink publishes
 * each entry). Whichever way a revision of a watched service was made (gcloud run deploy, the
 * console, a GitHub Actions deploy, a build canaryrun never heard of), its rollout starts here,
 * adopting the revision. The rollout id is the revision's name, the same id the build path
 * gives a build's revision, so one change starts one rollout however many paths report it.
 */
public final class OnRevisionCreated extends PubSubFunction {
  /** As the Functions Framework creates it: wired from the environment on the first event. */
  public OnRevisionCreated() {
    this(Controller.lazilyFromEnvironment());
  }

  /** Around a controller built elsewhere (the demo, tests). */
  public OnRevisionCreated(Controller controller) {
    this(() -> controller);
  }

  OnRevisionCreated(Supplier<Controller> controller) {
    super(EventSource.REVISION, controller);
  }

  @Override
  List<HandleResult> handle(Controller c, PubSubMessage message, String eventId) {
    Decoded<RevisionChange> d = c.audits().decode(message, eventId);
    if (!(d instanceof Decoded.Accepted<RevisionChange> a)) {
      return reportNotAccepted(d, eventId);
    }
    RevisionChange change = a.value();
    Optional<String> revision = c.revisions().createdBy(change.region(), change.service(),
        change.revision(), change.requestedAt());
    if (revision.isEmpty()) {
      return List.of(HandleResult.ignored(null, change.method() + " of " + change.service()
          + " by " + change.principal() + " created no revision (a traffic or settings change)"));
    }
    // Adopt mode: the revision exists; the router takes back any traffic it already serves.
    return List.of(c.service().onBuildSucceeded(new BuildSucceeded(eventId,
        change.occurredAt(), change.service(), change.region(),
        change.image() != null ? change.image() : "", BuildAdmission.HAND_DEPLOYED + revision.get(),
        revision.get())));
  }
}
