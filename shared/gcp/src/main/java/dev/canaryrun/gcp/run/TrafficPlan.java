package dev.canaryrun.gcp.run;

import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetAllocationType;
import com.google.cloud.run.v2.TrafficTargetStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How canaryrun rewrites a service's traffic block. Pure: no I/O, so the rules are testable
 * on their own and the router only adds reading, writing and error handling.
 *
 * <p>Rules:
 * <ul>
 *   <li>A LATEST target is pinned to the latest ready revision. canaryrun creates revisions;
 *       a floating LATEST target would hand the candidate traffic before it was judged.
 *   <li>Targets canaryrun does not manage (revisions other than stable and candidate, and
 *       their tags) keep their percent and tag. canaryrun splits only the remainder.
 *   <li>The candidate tag lives on exactly one target: the candidate's. A target of another
 *       revision that held it loses it (and is dropped when it then carries nothing).
 *   <li>Tags users put on the stable or candidate revision survive as 0% tag-only targets.
 * </ul>
 */
final class TrafficPlan {

  private static final TrafficTargetAllocationType REVISION =
      TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION;
  private static final TrafficTargetAllocationType LATEST =
      TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST;

  private TrafficPlan() {}

  /**
   * The traffic block for a deploy: today's split unchanged (LATEST pinned), plus the tag on
   * a 0% target of the candidate.
   */
  static List<TrafficTarget> forDeploy(List<TrafficTarget> current, String latestReady,
      String candidate, String tag) {
    List<TrafficTarget> out = new ArrayList<>();
    boolean tagged = false;
    for (TrafficTarget t : pinLatest(current, latestReady)) {
      String revision = shortName(t.getRevision());
      if (t.getTag().equals(tag)) {
        if (revision.equals(candidate)) {
          tagged = true;
          out.add(t);
        } else if (t.getPercent() > 0) {
          out.add(t.toBuilder().clearTag().build());
        }
        continue;
      }
      out.add(t);
    }
    if (!tagged) {
      out.add(target(candidate, 0, tag));
    }
    return out;
  }

  /**
   * The traffic block giving the candidate {@code percent}% of the share that stable and
   * candidate hold together (the whole service when nothing else has traffic).
   */
  static List<TrafficTarget> forSplit(List<TrafficTarget> current, String latestReady,
      String stable, String candidate, String tag, int percent) {
    return forSplit(current, latestReady, stable, candidate, tag, percent, null);
  }

  /**
   * As above, and with {@code stableTag} (null: none) the stable revision wears that tag, even
   * at 0%: the tag moves off any other revision that wore it (a bake keeps the previous stable
   * revision addressable, and the tag always names the latest previous one).
   */
  static List<TrafficTarget> forSplit(List<TrafficTarget> current, String latestReady,
      String stable, String candidate, String tag, int percent, String stableTag) {
    List<TrafficTarget> others = new ArrayList<>();
    List<TrafficTarget> keptTags = new ArrayList<>();
    int othersPercent = 0;
    for (TrafficTarget t : pinLatest(current, latestReady)) {
      String revision = shortName(t.getRevision());
      boolean managed = revision.equals(stable) || revision.equals(candidate);
      boolean ourStableTag = stableTag != null && t.getTag().equals(stableTag);
      if (managed) {
        if (!t.getTag().isEmpty() && !t.getTag().equals(tag) && !ourStableTag) {
          keptTags.add(target(revision, 0, t.getTag()));
        }
      } else if (t.getTag().equals(tag) || ourStableTag) {
        // A third revision wearing our tag (a superseded candidate): the tag moves; the
        // traffic it still has is not ours to redistribute.
        if (t.getPercent() > 0) {
          others.add(t.toBuilder().clearTag().build());
          othersPercent += t.getPercent();
        }
      } else {
        others.add(t);
        othersPercent += t.getPercent();
      }
    }
    int share = 100 - othersPercent;
    int candidatePercent = stable.equals(candidate) ? share : candidateShare(share, percent);
    int stablePercent = share - candidatePercent;
    List<TrafficTarget> out = new ArrayList<>(others);
    out.add(target(candidate, candidatePercent, tag));
    if (stablePercent > 0 || (stableTag != null && !stable.equals(candidate))) {
      out.add(target(stable, stablePercent, stableTag == null ? "" : stableTag));
    }
    out.addAll(keptTags);
    return out;
  }

  /**
   * {@code percent}% of {@code share}, rounded half up, but never 0 when the candidate should
   * get traffic and never the whole share when stable should keep some (percent of a small
   * share would otherwise round a 5% step to nothing).
   */
  static int candidateShare(int share, int percent) {
    if (percent <= 0 || share <= 0) {
      return 0;
    }
    if (percent >= 100) {
      return share;
    }
    int c = (int) Math.round(share * percent / 100.0);
    if (share >= 2) {
      c = Math.max(1, Math.min(share - 1, c));
    }
    return c;
  }

  /**
   * The revision serving the most traffic now, ignoring {@code excluded} (the candidate), from
   * the actual (status) split. Ties go to the first listed.
   */
  static Optional<String> largestShare(List<TrafficTargetStatus> statuses, String latestReady,
      String excluded) {
    String best = null;
    int bestPercent = 0;
    for (TrafficTargetStatus s : statuses) {
      String revision = s.getType() == LATEST ? latestReady : shortName(s.getRevision());
      if (revision == null || revision.isEmpty() || revision.equals(excluded)) {
        continue;
      }
      if (s.getPercent() > bestPercent) {
        best = revision;
        bestPercent = s.getPercent();
      }
    }
    return Optional.ofNullable(best);
  }

  /** Whether some traffic goes to LATEST: a new revision then serves as soon as it is ready. */
  static boolean followsLatest(List<TrafficTarget> current) {
    return current.stream().anyMatch(t -> t.getType() == LATEST && t.getPercent() > 0);
  }

  private static List<TrafficTarget> pinLatest(List<TrafficTarget> current, String latestReady) {
    List<TrafficTarget> out = new ArrayList<>();
    for (TrafficTarget t : current) {
      if (t.getType() == LATEST) {
        if (latestReady.isEmpty()) {
          throw new IllegalStateException(
              "traffic goes to LATEST but the service has no ready revision");
        }
        out.add(t.toBuilder().setType(REVISION).setRevision(latestReady).build());
      } else {
        out.add(t.toBuilder().setType(REVISION).setRevision(shortName(t.getRevision())).build());
      }
    }
    return out;
  }

  static TrafficTarget target(String revision, int percent, String tag) {
    TrafficTarget.Builder b = TrafficTarget.newBuilder()
        .setType(REVISION).setRevision(revision).setPercent(percent);
    if (!tag.isEmpty()) {
      b.setTag(tag);
    }
    return b.build();
  }

  /** Revision names arrive short ("svc-00002-abc") or full ("projects/.../revisions/..."). */
  static String shortName(String name) {
    int slash = name.lastIndexOf('/');
    return slash < 0 ? name : name.substring(slash + 1);
  }
}
