package dev.canaryrun.gcp.decode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canaryrun.rollout.Limits;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import dev.canaryrun.service.EventClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decodes a Cloud Build notification: message data is the Build resource as JSON, attributes
 * {@code buildId} and {@code status}. Cloud Build publishes on every status change (QUEUED,
 * WORKING, SUCCESS, FAILURE, ...); only SUCCESS of a build that names a service through the
 * {@code _SERVICE_NAME} substitution (the convention of Cloud Run continuous deployment) is a
 * rollout. Everything else is ignored with its reason.
 *
 * <p>The image is pinned by digest from {@code results.images}: a tag can be moved between the
 * build and the deploy, a digest cannot. Adopt mode (the build ran {@code gcloud run deploy
 * --no-traffic --tag ...} itself) is recognised from the {@code _CANARYRUN_REVISION}
 * substitution or from that deploy step's {@code --revision-suffix}: the revision name must be
 * known, because canaryrun adopts exactly that revision and never guesses. A build that
 * deployed the image with traffic ({@code gcloud run services update --image}, the stock
 * continuous-deployment build) is {@link BuildRelease.Origin#BUILD_DEPLOYED}: its revision is
 * found on Cloud Run by its labels and image ({@code CloudRunRevisionLocator}) and adopted.
 */
public final class BuildNotificationDecoder {
  public static final String SERVICE_SUBSTITUTION = "_SERVICE_NAME";
  public static final String REGION_SUBSTITUTION = "_DEPLOY_REGION";
  public static final String IMAGE_SUBSTITUTION = "_IMAGE_NAME";
  /** Explicit adopt mode: the name of the no-traffic revision the build deployed. */
  public static final String REVISION_SUBSTITUTION = "_CANARYRUN_REVISION";
  /** The Build resource of a large monorepo build is a few hundred KB; far below this. */
  public static final int MAX_BYTES = 2 * 1024 * 1024;

  private static final Pattern SERVICE = Pattern.compile("[a-z]([-a-z0-9]{0,47}[a-z0-9])?");
  private static final Pattern REGION = Pattern.compile("[a-z]+-[a-z]+[0-9]+");
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Pattern VARIABLE = Pattern.compile("\\$(\\{([A-Z0-9_]+)}|([A-Z0-9_]+))");

  // Cloud Build ids are UUIDs; this admits any id that can name a rollout and a revision.
  private static final Pattern BUILD_ID = Pattern.compile("[A-Za-z0-9][-A-Za-z0-9_.]{0,"
      + (Limits.MAX_BUILD_ID - 1) + "}");
  // A Docker repository as Cloud Build reports it: registry host, then a lower-case path.
  private static final Pattern REPOSITORY =
      Pattern.compile("[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9]([-a-z0-9._]*[a-z0-9])?)+");
  private static final Pattern REVISION = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern RUN_DEPLOY = Pattern.compile("\\brun\\s+deploy\\b");
  private static final int MAX_ORIGIN = 128;

  /** @param eventId the idempotency key of this delivery (topic-qualified message id) */
  public Decoded<BuildRelease> decode(PubSubMessage m, String eventId) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("eventId", eventId);
    if (m.attribute("buildId") != null) {
      fields.put("buildId", m.attribute("buildId"));
    }
    return Decoded.guarded(fields, () -> decode(m, eventId, fields));
  }

  private Decoded<BuildRelease> decode(PubSubMessage m, String eventId,
      Map<String, Object> fields) {
    if (m.data().length > MAX_BYTES) {
      throw new MalformedEventException("Build notification is " + m.data().length
          + " bytes, over the limit of " + MAX_BYTES);
    }
    // The status attribute lets WORKING/QUEUED notifications be skipped without parsing.
    String statusAttr = m.attribute("status");
    if (statusAttr != null && !statusAttr.equals("SUCCESS")) {
      fields.put("status", statusAttr);
      return Decoded.ignored("build " + fields.getOrDefault("buildId", "?") + " is "
          + statusAttr + ": only SUCCESS starts a rollout", fields);
    }
    JsonNode build = Json.parse(m.data(), "Build resource");
    String buildId = Json.text(build, "id");
    if (buildId == null || buildId.isBlank()) {
      throw new MalformedEventException("Build resource has no \"id\"");
    }
    if (!BUILD_ID.matcher(buildId).matches()) {
      throw new MalformedEventException("Build resource id '" + Json.abbreviate(buildId)
          + "' is not a build id (letters, digits, '-', '_', '.'; at most "
          + Limits.MAX_BUILD_ID + ")");
    }
    fields.put("buildId", buildId);
    String attrId = m.attribute("buildId");
    if (attrId != null && !attrId.equals(buildId)) {
      throw new MalformedEventException("attribute buildId " + attrId
          + " differs from the Build resource's id " + buildId);
    }
    String status = Json.text(build, "status");
    if (status == null) {
      throw new MalformedEventException("Build resource " + buildId + " has no \"status\"");
    }
    fields.put("status", status);
    if (!status.equals("SUCCESS")) {
      return Decoded.ignored("build " + buildId + " is " + status
          + ": only SUCCESS starts a rollout", fields);
    }
    Map<String, String> subs = substitutions(build);
    String service = subs.get(SERVICE_SUBSTITUTION);
    if (service == null || service.isBlank()) {
      return Decoded.ignored("build " + buildId + " has no " + SERVICE_SUBSTITUTION
          + " substitution: it does not deploy a Cloud Run service", fields);
    }
    fields.put("service", service);
    if (!SERVICE.matcher(service).matches()) {
      throw new MalformedEventException(SERVICE_SUBSTITUTION + " '" + Json.abbreviate(service)
          + "' is not a Cloud Run service name");
    }
    // No region named: null, so that the watched service's policy decides (issue 11, defect 7),
    // never the function's default.
    String region = subs.getOrDefault(REGION_SUBSTITUTION, "");
    if (region.isBlank()) {
      region = null;
    } else if (!REGION.matcher(region).matches()) {
      throw new MalformedEventException(REGION_SUBSTITUTION + " '" + Json.abbreviate(region)
          + "' is not a Cloud Run region");
    }
    String finish = Json.text(build, "finishTime");
    if (finish == null) {
      throw new MalformedEventException("successful build " + buildId + " has no finishTime");
    }
    Instant finishedAt = Json.instant(finish, "finishTime");
    // Cloud Build publishes after the build finished: a finish later than Pub/Sub's own publish
    // time is not skew, and accepted it would make every real build after it look out of order.
    if (finishedAt.isAfter(m.publishTime().plus(EventClock.MAX_SKEW))) {
      throw new MalformedEventException("build " + buildId + " finishTime " + finish
          + " is after the notification was published (" + m.publishTime() + ") by more than "
          + EventClock.MAX_SKEW.toSeconds() + " s of clock skew");
    }
    String image = image(build, subs, service, buildId);
    fields.put("image", image);
    String adopt = adoptRevision(build, subs, service);
    if (adopt != null && !REVISION.matcher(adopt).matches()) {
      throw new MalformedEventException("adopt-mode revision '" + Json.abbreviate(adopt)
          + "' is not a Cloud Run revision name");
    }
    String project = Json.boundedText(build, "projectId", "projectId", MAX_ORIGIN);
    String trigger = Json.boundedText(build, "buildTriggerId", "buildTriggerId", MAX_ORIGIN);
    BuildRelease.Origin origin = adopt != null ? BuildRelease.Origin.BUILD_DEPLOYED_NO_TRAFFIC
        : deploysItself(build, subs, service) ? BuildRelease.Origin.BUILD_DEPLOYED
        : BuildRelease.Origin.CANARYRUN_DEPLOYS;
    fields.put("origin", origin);
    return Decoded.accepted(new BuildRelease(new BuildSucceeded(eventId, finishedAt, service,
        region, image, buildId, adopt, project, trigger), origin, subs.get("COMMIT_SHA")));
  }

  private static Map<String, String> substitutions(JsonNode build) {
    Map<String, String> subs = new LinkedHashMap<>();
    JsonNode s = build.get("substitutions");
    if (s != null && s.isObject()) {
      s.fields().forEachRemaining(f -> subs.put(f.getKey(), f.getValue().asText()));
    }
    // Built-ins that step arguments may still reference.
    putIfText(subs, "PROJECT_ID", Json.text(build, "projectId"));
    putIfText(subs, "BUILD_ID", Json.text(build, "id"));
    return subs;
  }

  private static void putIfText(Map<String, String> m, String k, String v) {
    if (v != null) {
      m.putIfAbsent(k, v);
    }
  }

  /**
   * The image the build pushed, as {@code repository@sha256:...}. Cloud Build lists an image
   * once per pushed tag, all with the same digest; when it pushed several repositories, the one
   * named by {@code _IMAGE_NAME} wins, then the one whose name ends with the service name.
   */
  private static String image(JsonNode build, Map<String, String> subs, String service,
      String buildId) {
    JsonNode images = build.path("results").path("images");
    Map<String, String> digestByRepo = new LinkedHashMap<>();
    if (images.isArray()) {
      for (JsonNode i : images) {
        String name = Json.text(i, "name");
        String digest = Json.text(i, "digest");
        if (name == null || digest == null) {
          continue;
        }
        if (!DIGEST.matcher(digest).matches()) {
          throw new MalformedEventException("results.images digest '" + Json.abbreviate(digest)
              + "' of " + name + " is not a sha256 digest");
        }
        String repo = repository(name);
        if (repo.length() > Limits.MAX_IMAGE - 72 || !REPOSITORY.matcher(repo).matches()) {
          throw new MalformedEventException("results.images name '" + Json.abbreviate(name)
              + "' is not an image repository (at most " + (Limits.MAX_IMAGE - 72)
              + " characters)");
        }
        String previous = digestByRepo.putIfAbsent(repo, digest);
        if (previous != null && !previous.equals(digest)) {
          throw new MalformedEventException("results.images lists " + repo
              + " with two digests (" + previous + ", " + digest + ")");
        }
      }
    }
    if (digestByRepo.isEmpty()) {
      throw new MalformedEventException("successful build " + buildId + " of service "
          + service + " has no image digest in results.images: nothing to roll out");
    }
    String repo;
    if (digestByRepo.size() == 1) {
      repo = digestByRepo.keySet().iterator().next();
    } else {
      String named = subs.get(IMAGE_SUBSTITUTION);
      List<String> candidates = new ArrayList<>();
      for (String r : digestByRepo.keySet()) {
        if ((named != null && r.equals(repository(named))) || r.endsWith("/" + service)) {
          candidates.add(r);
        }
      }
      if (candidates.size() != 1) {
        throw new MalformedEventException("build " + buildId + " pushed "
            + digestByRepo.size() + " images " + digestByRepo.keySet() + " and none is named by "
            + IMAGE_SUBSTITUTION + " or ends with /" + service + ": the image to roll out is "
            + "ambiguous");
      }
      repo = candidates.get(0);
    }
    return repo + "@" + digestByRepo.get(repo);
  }

  /** {@code host/path/name:tag} or {@code host/path/name@digest} -> {@code host/path/name}. */
  static String repository(String image) {
    String s = image;
    int at = s.indexOf('@');
    if (at >= 0) {
      s = s.substring(0, at);
    }
    int slash = s.lastIndexOf('/');
    int colon = s.lastIndexOf(':');
    if (colon > slash) {
      s = s.substring(0, colon);
    }
    return s;
  }

  private static String adoptRevision(JsonNode build, Map<String, String> subs, String service) {
    String explicit = subs.get(REVISION_SUBSTITUTION);
    if (explicit != null && !explicit.isBlank()) {
      if (!explicit.startsWith(service + "-")) {
        throw new MalformedEventException(REVISION_SUBSTITUTION + " '"
            + Json.abbreviate(explicit) + "' is not a revision of service " + service);
      }
      return explicit;
    }
    JsonNode steps = build.get("steps");
    if (steps == null || !steps.isArray()) {
      return null;
    }
    for (JsonNode step : steps) {
      List<String> args = new ArrayList<>();
      step.path("args").forEach(a -> args.add(expand(a.asText(), subs)));
      String line = String.join(" ", args);
      // find(), not matches(".*...*"): a 2 MB argument must not backtrack for minutes
      if (!RUN_DEPLOY.matcher(line).find() || !line.contains("--no-traffic")
          || !line.contains("--tag")) {
        continue;
      }
      Set<String> suffixes = flagValues(line, "--revision-suffix");
      if (suffixes.size() != 1) {
        throw new MalformedEventException("the build deploys " + service + " with --no-traffic"
            + " --tag (adopt mode) but the revision name is unknown: pass --revision-suffix or"
            + " set the " + REVISION_SUBSTITUTION + " substitution");
      }
      return service + "-" + suffixes.iterator().next();
    }
    return null;
  }

  /**
   * Whether a step of the build put the image on the service itself: {@code gcloud run
   * services update SERVICE --image ...} (what Cloud Run continuous deployment generates,
   * labelled managed-by=gcp-cloud-build-deploy-cloud-run) or {@code gcloud run deploy
   * SERVICE} without {@code --no-traffic --tag}. Deploying again would make a second revision
   * of the same image; worse, on a service following LATEST the build's revision already
   * serves everyone.
   */
  private static boolean deploysItself(JsonNode build, Map<String, String> subs,
      String service) {
    JsonNode steps = build.get("steps");
    if (steps == null || !steps.isArray()) {
      return false;
    }
    Pattern deploy = Pattern.compile("(?s).*\\brun\\s+(services\\s+update|deploy)\\s+"
        + Pattern.quote(service) + "(\\s.*)?");
    for (JsonNode step : steps) {
      List<String> args = new ArrayList<>();
      step.path("args").forEach(a -> args.add(expand(a.asText(), subs)));
      String line = String.join(" ", args);
      if (deploy.matcher(line).matches()) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> flagValues(String line, String flag) {
    Set<String> values = new LinkedHashSet<>();
    Matcher m = Pattern.compile(Pattern.quote(flag) + "(?:=|\\s+)([^\\s\"']+)").matcher(line);
    while (m.find()) {
      values.add(m.group(1));
    }
    return values;
  }

  /** Cloud Build substitutions ($VAR and ${VAR}) as the build ran them. */
  private static String expand(String arg, Map<String, String> subs) {
    Matcher m = VARIABLE.matcher(arg);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(2) != null ? m.group(2) : m.group(3);
      String value = subs.get(name);
      m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
    }
    m.appendTail(out);
    return out.toString();
  }
}
