package dev.canaryrun.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Real-shaped messages of the two outside publishers: Cloud Build's notification on
 * cloud-builds (the Build resource, as in test-fixtures' build-success.json) and Cloud
 * Monitoring's incident notification (Pub/Sub channel, schema 1.2) on canaryrun-alerts.
 */
final class Payloads {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Payloads() {}

  /** A deterministic stand-in for the digest the registry would compute for the pushed image. */
  static String digestOf(String image) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(image.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(h);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A SUCCESS Build resource of a Cloud Run continuous-deployment trigger: substitutions
   * {@code _SERVICE_NAME} and {@code _DEPLOY_REGION}, the pushed image in {@code results.images}
   * twice (by tag and without, same digest), as Cloud Build lists it.
   */
  static byte[] buildSuccess(String projectId, String buildId, String service, String region,
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
    b.put("buildTriggerId", "demo-trigger-" + service);
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
    return bytes(b);
  }

  /** An open incident of an alert policy grouped by revision, on the canary revision. */
  static byte[] incidentOpen(String projectId, String incidentId, String service, String region,
      String revision, String policyName, String summary, Instant startedAt) {
    ObjectNode root = JSON.createObjectNode().put("version", "1.2");
    ObjectNode i = root.putObject("incident");
    i.put("incident_id", incidentId)
        .put("scoping_project_id", projectId)
        .put("scoping_project_number", 482913650117L)
        .put("url", "https://console.cloud.google.com/monitoring/alerting/incidents/"
            + incidentId + "?project=" + projectId)
        .put("started_at", startedAt.getEpochSecond())
        .putNull("ended_at")
        .put("state", "open")
        .put("summary", summary)
        .put("apigee_url", "")
        .put("observed_value", "0.900")
        .put("resource_type_display_name", "Cloud Run Revision")
        .put("resource_id", "")
        .put("resource_display_name", revision)
        .put("resource_name", projectId + " " + revision);
    i.putObject("resource").put("type", "cloud_run_revision").putObject("labels")
        .put("project_id", projectId)
        .put("service_name", service)
        .put("revision_name", revision)
        .put("location", region)
        .put("configuration_name", service);
    i.putObject("metric").put("type", "run.googleapis.com/container/memory/utilizations")
        .put("displayName", "Container Memory Utilization").putObject("labels");
    ObjectNode meta = i.putObject("metadata");
    meta.putObject("system_labels");
    meta.putObject("user_labels");
    i.put("policy_name", policyName);
    i.putObject("policy_user_labels").put("team", service);
    i.putObject("documentation").put("content", "canaryrun rolls back the canary revision.")
        .put("mime_type", "text/markdown");
    i.putObject("condition").put("name", "projects/" + projectId + "/alertPolicies/"
        + Math.abs(policyName.hashCode()) + "/conditions/1")
        .put("displayName", policyName.toLowerCase(Locale.ROOT));
    i.put("condition_name", policyName.toLowerCase(Locale.ROOT))
        .put("threshold_value", "0.85");
    return bytes(root);
  }

  static byte[] emptyTick() {
    return "{}".getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(ObjectNode n) {
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }
}
