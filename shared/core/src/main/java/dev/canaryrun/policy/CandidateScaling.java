package dev.canaryrun.policy;

import java.util.List;

/**
 * The candidate revision's scaling while it is judged, set on the revision canaryrun creates
 * (Cloud Run's {@code RevisionTemplate.scaling}): a minimum instance count, so that cold
 * starts do not make it look slower than a warm stable revision, and a maximum, so that a
 * runaway canary cannot starve the project. Null fields leave the stable revision's values.
 *
 * <p>Revision-level scaling takes effect when the revision is deployed, and a revision is
 * immutable (Cloud Run's "Set minimum instances" and "Set maximum instances" pages), so the
 * values can only be chosen when canaryrun creates the candidate: a revision it adopts
 * (deployed by a build, by hand) keeps its own, and the rollout's audit entry says so.
 *
 * @param minInstances 0..{@value #MAX_INSTANCES}, or null
 * @param maxInstances 1..{@value #MAX_INSTANCES}, at least {@code minInstances}, or null
 */
public record CandidateScaling(Integer minInstances, Integer maxInstances) {
  /** Cloud Run's largest per-revision maximum without a quota increase. */
  public static final int MAX_INSTANCES = 1000;

  private static final CandidateScaling NONE = new CandidateScaling(null, null);

  /** The candidate scales as the stable revision does. */
  public static CandidateScaling none() {
    return NONE;
  }

  public boolean sets() {
    return minInstances != null || maxInstances != null;
  }

  void validate(List<String> problems) {
    if (minInstances != null && (minInstances < 0 || minInstances > MAX_INSTANCES)) {
      problems.add("candidateScaling.minInstances: " + minInstances + " must be in 0.."
          + MAX_INSTANCES);
    }
    if (maxInstances != null && (maxInstances < 1 || maxInstances > MAX_INSTANCES)) {
      problems.add("candidateScaling.maxInstances: " + maxInstances + " must be in 1.."
          + MAX_INSTANCES);
    }
    if (minInstances != null && maxInstances != null && minInstances > maxInstances) {
      problems.add("candidateScaling.minInstances: " + minInstances
          + " must not exceed candidateScaling.maxInstances " + maxInstances);
    }
  }

  /** "min 1, max 10" (only what is set), for audit lines. */
  public String describe() {
    if (!sets()) {
      return "the stable revision's scaling";
    }
    StringBuilder b = new StringBuilder();
    if (minInstances != null) {
      b.append("min ").append(minInstances);
    }
    if (maxInstances != null) {
      b.append(b.length() > 0 ? ", " : "").append("max ").append(maxInstances);
    }
    return b.append(" instances").toString();
  }
}
