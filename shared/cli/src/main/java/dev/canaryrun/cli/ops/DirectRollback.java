package dev.canaryrun.cli.ops;

import dev.canaryrun.gcp.run.CloudRunTrafficRouter;
import dev.canaryrun.gcp.run.CloudRunTrafficRouter.ServiceTraffic;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.port.SaveResult;
import dev.canaryrun.report.RollbackReport;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Effect.SetTraffic;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutState;
import dev.canaryrun.rollout.TrafficIntent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code rollback SERVICE --direct}: the escape hatch when the controller is down. Cloud Run
 * first (through the controller's own traffic router: the same plan, tags kept, etag-guarded
 * update), Firestore second and bounded: the rollout tells which revision is stable, and
 * afterwards the rollout is saved ROLLED_BACK with traffic 0% applied and one audit entry
 * naming the operator (carrying the rollback report, as the controller's entries do), so that a controller coming back does not re-apply its old split.
 * When Firestore does not answer, the stable revision comes from {@code --to-revision} or
 * from what Cloud Run serves, and the output says that nothing was recorded.
 */
final class DirectRollback {
  static final String EVENT_TYPE = "DirectRollback";
  private static final int SAVE_ATTEMPTS = 3;

  private final OperatorBackend backend;
  private final CliContext ctx;
  private final CommonOptions common;
  private final Duration firestoreTimeout;

  DirectRollback(OperatorBackend backend, CliContext ctx, CommonOptions common,
      Duration firestoreTimeout) {
    this.backend = backend;
    this.ctx = ctx;
    this.common = common;
    this.firestoreTimeout = firestoreTimeout;
  }

  int run(String service, String rolloutId, String toRevision, String reason) {
    String actor = Identity.of(backend.config(), ctx.env());
    Optional<Rollout> rollout = Optional.empty();
    String firestoreProblem = null;
    try {
      rollout = bounded(() -> rolloutId != null ? backend.store().find(rolloutId)
          : OperatorCommand.current(backend, service));
    } catch (OperationFailed e) {
      firestoreProblem = e.getMessage();
      ctx.err().println("canaryrun: " + firestoreProblem + "; going on with Cloud Run alone");
    }
    String region = rollout.map(Rollout::region).orElse(backend.config().region());
    if (region == null) {
      throw new UsageProblem("no region for service " + service + ": pass --region (no stored "
          + "rollout names it)");
    }
    String tag = rollout.map(r -> r.policy().candidateTag())
        .orElse(RolloutPolicy.defaults().candidateTag());
    CloudRunTrafficRouter router = backend.cloudRun();
    ServiceTraffic before = router.readTraffic(region, service);
    String stable = toRevision != null ? toRevision
        : rollout.map(Rollout::stableRevision).orElseGet(() -> stableFromCloudRun(before, tag));
    if (stable == null) {
      throw new OperationFailed("cannot tell the stable revision of " + service + ": Cloud Run "
          + "serves " + before.percentByRevision() + "; name it with --to-revision "
          + "(`gcloud run revisions list --service " + service + "`)");
    }
    String candidate = rollout.map(Rollout::candidateRevision)
        .orElseGet(() -> before.revisionByTag().getOrDefault(tag, stable));
    if (before.percentOf(stable) != 100) {
      router.setTraffic(new SetTraffic(service, region, stable, candidate, tag, 0));
    }
    ServiceTraffic after = router.readTraffic(region, service);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("service", service);
    json.put("region", region);
    json.put("stableRevision", stable);
    json.put("before", before.percentByRevision());
    json.put("after", after.percentByRevision());
    StringBuilder text = new StringBuilder("Cloud Run now serves " + describe(after)
        + " (before: " + describe(before) + ")");
    int code = CanaryrunCli.OK;
    if (after.percentOf(stable) != 100) {
      text.append("\nWARNING: ").append(stable).append(" serves ").append(after.percentOf(stable))
          .append("%: other revisions keep traffic canaryrun did not give them; set them with "
              + "`gcloud run services update-traffic ").append(service).append(" --to-revisions ")
          .append(stable).append("=100`");
      code = CanaryrunCli.FAILED;
    }
    String recorded = null;
    if (rollout.isPresent() && firestoreProblem == null) {
      try {
        recorded = record(rollout.get(), stable, actor, reason);
      } catch (OperationFailed e) {
        firestoreProblem = e.getMessage();
      }
    } else if (rollout.isEmpty() && firestoreProblem == null) {
      firestoreProblem = "no rollout of " + service + " in Firestore to record it on";
    }
    json.put("recorded", recorded != null);
    json.put("auditEntry", recorded);
    json.put("notRecordedBecause", firestoreProblem);
    if (recorded != null) {
      text.append("\nrecorded in the audit trail: ").append(recorded).append(" (actor ")
          .append(actor).append(")");
    } else {
      text.append("\nNOT recorded in the audit trail: ").append(firestoreProblem)
          .append(". Leave a record: the incident channel, and `canaryrun get ").append(service)
          .append("` once Firestore answers (docs/RUNBOOK.md)");
    }
    ctx.out().println(common.json() ? RolloutJson.write(json) : text.toString());
    ctx.out().flush();
    return code;
  }

  /** The serving revision not wearing the candidate tag, when exactly one does. */
  static String stableFromCloudRun(ServiceTraffic t, String tag) {
    String candidate = t.revisionByTag().get(tag);
    List<String> others = t.percentByRevision().keySet().stream()
        .filter(r -> !r.equals(candidate)).toList();
    return others.size() == 1 ? others.get(0) : null;
  }

  /** Saves the rollout ROLLED_BACK (0% applied) with the operator's entry; retries a race. */
  private String record(Rollout first, String stable, String actor, String reason) {
    String eventId = "direct:" + UUID.randomUUID();
    Rollout r = first;
    for (int attempt = 1; attempt <= SAVE_ATTEMPTS; attempt++) {
      Instant now = ctx.clock().instant();
      String message = "direct rollback by " + actor + " (controller bypassed): Cloud Run "
          + "serves " + stable + " 100%: " + reason;
      Rollout next = r.withState(RolloutState.ROLLED_BACK, -1, now, message)
          .withTraffic(new TrafficIntent(0, true));
      AuditEntry entry = withReport(next, new AuditEntry(now, eventId, EVENT_TYPE, actor,
          r.state(), RolloutState.ROLLED_BACK, r.traffic().candidatePercent(), 0, message, null));
      Rollout current = r;
      SaveResult result = bounded(() -> backend.store().save(next, current.version(), eventId,
          List.of(entry)).result());
      if (result != SaveResult.CONFLICT) {
        return "rollouts/" + r.id() + " (" + result + ")";
      }
      r = bounded(() -> backend.store().find(first.id())).orElseThrow();
    }
    throw new OperationFailed("the rollout kept changing under the save (is the controller "
        + "running after all?)");
  }

  /**
   * The entry with the rollback's report, as the controller writes it when it ends a rollback
   * itself; best effort, since recording the rollback matters more than its report (explain
   * computes one when none is stored).
   */
  private AuditEntry withReport(Rollout next, AuditEntry entry) {
    if (!entry.endsRollback()) {
      return entry; // already ROLLED_BACK: that rollback has its report
    }
    try {
      List<AuditEntry> trail = new ArrayList<>(bounded(() -> backend.store().audit(next.id())));
      trail.add(entry);
      return RollbackReport.of(next, trail).map(entry::withReport).orElse(entry);
    } catch (OperationFailed e) {
      return entry;
    }
  }

  private <T> T bounded(Callable<T> call) {
    ExecutorService one = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "firestore-bounded");
      t.setDaemon(true);
      return t;
    });
    try {
      Future<T> f = one.submit(call);
      return f.get(firestoreTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new OperationFailed("Firestore did not answer within "
          + Human.duration(firestoreTimeout));
    } catch (ExecutionException e) {
      throw new OperationFailed("Firestore failed: " + OperatorBackend.rootMessage(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OperationFailed("interrupted while reading Firestore", e);
    } finally {
      one.shutdownNow();
    }
  }

  private static String describe(ServiceTraffic t) {
    return t.percentByRevision().entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue() + "%").reduce((a, b) -> a + ", " + b)
        .orElse("nothing");
  }
}
