package dev.canaryrun.local.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

/**
 * What Cloud Build publishes on {@code cloud-builds} when a build ends: the Build resource
 * (shaped like the real sample in test-fixtures' {@code cloudbuild/build-success.json}) and
 * the {@code buildId} / {@code status} attributes. Used by the demo and the end-to-end tests.
 */
public final class CloudBuildMessages {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CloudBuildMessages() {}

  /** A deterministic stand-in for the digest the registry would compute for the pushed image. */
  public static String digestOf(String image) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256")
          .digest(image.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(h);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The attributes Cloud Build sets on its notification. */
  public static Map<String, String> attributes(String buildId, String status) {
    return Map.of("buildId", buildId, "status", status);
  }

  /**
   * A SUCCESS Build resource of a Cloud Run continuous-deployment trigger: substitutions
   * {@code _SERVICE_NAME} and {@code _DEPLOY_REGION}, the pushed image (pinned by
   * {@link #digestOf}) in {@code results.images} twice, by tag and without, as Cloud Build
   * lists it.
   */
  public static byte[] success(String projectId, String buildId, String service, String region,
      String image, Instant finished) {
    String repo = image.contains(":") ? image.substring(0, image.lastIndexOf(':')) : image;
    String digest = digestOf(image);
    String sha = digestOf(buildId).substring(7, 47);
    Instant created = finished.minus(Duration.ofSeconds(95));
    ObjectNode b = JSON.createObjectNode();
    b.put("id", buildId).put("status", "SUCCESS");
    b.putObject("source").putObject("repoSource").put("projectId", projectId)
        .put("repoName", "github_acme_" + service).put("commitSha", sha);
    b.put("createTime", created.toString())
        .put("startTime", created.plusSeconds(2).toString())
        .put("finishTime", finished.toString());
    ArrayNode images = b.putObject("results").putArray("images");
    for (String name : new String[] {repo, image}) {
      ObjectNode i = images.addObject().put("name", name).put("digest", digest);
      i.putObject("pushTiming").put("startTime", finished.minusSeconds(8).toString())
          .put("endTime", finished.minusSeconds(1).toString());
    }
    ArrayNode steps = b.putArray("steps");
    steps.addObject().put("name", "gcr.io/cloud-builders/docker").put("id", "Build")
        .put("status", "SUCCESS").putArray("args").add("build").add("--no-cache").add("-t")
        .add(image).add(".").add("-f").add("Dockerfile");
    steps.addObject().put("name", "gcr.io/cloud-builders/docker").put("id", "Push")
        .put("status", "SUCCESS").putArray("args").add("push").add(image);
    b.put("timeout", "600s");
    b.putArray("images").add(image);
    b.put("projectId", projectId);
    b.put("logsBucket", "gs://" + projectId + ".cloudbuild-logs.googleusercontent.com");
    b.put("buildTriggerId", "local-trigger-" + service);
    b.putObject("options").put("substitutionOption", "ALLOW_LOOSE").put("logging", "LEGACY");
    b.put("logUrl", "https://console.cloud.google.com/cloud-build/builds;region=global/"
        + buildId + "?project=" + projectId);
    b.putObject("substitutions")
        .put("_SERVICE_NAME", service)
        .put("_DEPLOY_REGION", region)
        .put("_PLATFORM", "managed")
        .put("BRANCH_NAME", "main")
        .put("COMMIT_SHA", sha)
        .put("SHORT_SHA", sha.substring(0, 7))
        .put("REPO_NAME", service)
        .put("TRIGGER_NAME", service + "-deploy-main");
    b.putArray("tags").add("gcp-cloud-build-deploy-cloud-run").add(service);
    b.put("name", "projects/" + projectId + "/locations/global/builds/" + buildId);
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }
}
