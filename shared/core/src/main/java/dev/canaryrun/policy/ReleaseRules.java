package dev.canaryrun.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who may release a watched service (policy field {@code release}): the image repositories,
 * the Cloud Build projects and the build triggers whose builds may roll out. An empty list does
 * not restrict that dimension, so a policy without {@code release} accepts every build (the
 * demo, the emulators); the Terraform module always writes one, defaulting to the project's own
 * Artifact Registry and the project itself as the only build project.
 *
 * <p>The message fields checked here are what the build notification claims. They are a lock
 * only together with the {@code cloud-builds} publisher binding (docs/SECURITY.md): the image
 * prefix is the part that still holds against a forged message, because an attacker who can
 * publish but cannot push to the allowed registry can only name images already in it.
 *
 * @param imagePrefixes allowed images: a repository ({@code host/project/repo/name}) or a
 *     prefix ending in {@code /} ({@code europe-west1-docker.pkg.dev/shop-prod/})
 * @param buildProjects projects whose Cloud Build may release (the Build's {@code projectId})
 * @param triggerIds Cloud Build trigger ids ({@code buildTriggerId}); when set, a build run by
 *     hand ({@code gcloud builds submit}, no trigger) is refused
 */
public record ReleaseRules(List<String> imagePrefixes, List<String> buildProjects,
    List<String> triggerIds) {

  /** Policies are small documents; a list this long is a mistake, not a configuration. */
  public static final int MAX_ENTRIES = 50;
  public static final int MAX_ENTRY_LENGTH = 256;
  private static final Pattern IMAGE_PREFIX =
      Pattern.compile("[a-z0-9.-]+(:[0-9]+)?/[-a-z0-9._/]*");
  private static final Pattern PROJECT = Pattern.compile("[a-z][-a-z0-9.:]{4,62}");
  private static final Pattern TRIGGER = Pattern.compile("[-A-Za-z0-9_]{1,128}");

  public ReleaseRules {
    imagePrefixes = List.copyOf(imagePrefixes);
    buildProjects = List.copyOf(buildProjects);
    triggerIds = List.copyOf(triggerIds);
  }

  public static ReleaseRules unrestricted() {
    return new ReleaseRules(List.of(), List.of(), List.of());
  }

  public boolean restricts() {
    return !imagePrefixes.isEmpty() || !buildProjects.isEmpty() || !triggerIds.isEmpty();
  }

  /** Every bad entry, named by its path under {@code release}. */
  void validate(List<String> problems) {
    check("release.imagePrefixes", imagePrefixes, IMAGE_PREFIX,
        "a registry host and path such as europe-west1-docker.pkg.dev/shop-prod/", problems);
    check("release.buildProjects", buildProjects, PROJECT, "a Google Cloud project id", problems);
    check("release.triggerIds", triggerIds, TRIGGER, "a Cloud Build trigger id", problems);
  }

  private static void check(String path, List<String> values, Pattern shape, String what,
      List<String> problems) {
    if (values.size() > MAX_ENTRIES) {
      problems.add(path + ": " + values.size() + " entries, over the limit of " + MAX_ENTRIES);
    }
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      if (v == null || v.length() > MAX_ENTRY_LENGTH || !shape.matcher(v).matches()) {
        problems.add(path + "[" + i + "]: '" + abbreviate(v) + "' is not " + what);
      }
    }
  }

  /**
   * Empty when a build of {@code image} from {@code project} (trigger {@code triggerId}, null
   * when run by hand) may release; else the problem, naming what was refused and what is allowed.
   */
  public Optional<String> check(String image, String project, String triggerId) {
    Objects.requireNonNull(image, "image");
    List<String> problems = new ArrayList<>();
    if (!imagePrefixes.isEmpty() && imagePrefixes.stream().noneMatch(p -> allows(p, image))) {
      problems.add("image " + abbreviate(image) + " is not from an allowed repository "
          + imagePrefixes);
    }
    if (!buildProjects.isEmpty() && (project == null || !buildProjects.contains(project))) {
      problems.add("build project " + (project == null ? "(none)" : abbreviate(project))
          + " is not one of " + buildProjects);
    }
    if (!triggerIds.isEmpty() && (triggerId == null || !triggerIds.contains(triggerId))) {
      problems.add((triggerId == null ? "the build ran without a trigger"
          : "trigger " + abbreviate(triggerId) + " is not one of " + triggerIds));
    }
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
  }

  /**
   * A prefix ending in "/" admits everything under it; any other entry is one repository, so
   * that ".../shop-prod" cannot admit ".../shop-prod-evil".
   */
  private static boolean allows(String prefix, String image) {
    int at = image.indexOf('@');
    String repository = at < 0 ? image : image.substring(0, at);
    return prefix.endsWith("/") ? repository.startsWith(prefix) : repository.equals(prefix);
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "null";
    }
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
