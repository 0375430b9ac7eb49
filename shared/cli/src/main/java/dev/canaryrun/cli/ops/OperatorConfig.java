package dev.canaryrun.cli.ops;

import dev.canaryrun.functions.Env;
import java.util.Map;
import java.util.Optional;

/**
 * Where the CLI talks to, resolved once per command from its flags, the environment and
 * gcloud's configuration, in that order of precedence:
 *
 * <ul>
 *   <li>project: {@code --project}, {@code CANARYRUN_PROJECT}, {@code CLOUDSDK_CORE_PROJECT},
 *       {@code GOOGLE_CLOUD_PROJECT}, gcloud's {@code core/project};
 *   <li>region (only {@code rollback --direct} without a stored rollout needs it):
 *       {@code --region}, {@code CANARYRUN_REGION}, gcloud's {@code run/region};
 *   <li>emulators: {@code FIRESTORE_EMULATOR_HOST}, {@code PUBSUB_EMULATOR_HOST} (the
 *       standard variables of the Google client libraries); Cloud Run:
 *       {@code CANARYRUN_RUN_ENDPOINT} (a plaintext local control plane), else the real API;
 *       Firestore database: {@code CANARYRUN_DATABASE}, else (default); Cloud Monitoring (the
 *       dashboard's charts): {@code CANARYRUN_MONITORING_ENDPOINT}, else the real API.
 * </ul>
 *
 * @param region null when none is configured
 */
public record OperatorConfig(String projectId, String region, String database,
    String firestoreHost, String pubsubHost, String runEndpoint, String monitoringEndpoint) {

  static OperatorConfig resolve(String projectFlag, String regionFlag, Map<String, String> env,
      GcloudConfig gcloud) {
    String project = first(projectFlag, env.get(Env.PROJECT), env.get("CLOUDSDK_CORE_PROJECT"),
        env.get("GOOGLE_CLOUD_PROJECT"), gcloud.get("core/project").orElse(null));
    if (project == null) {
      throw new UsageProblem("no Google Cloud project: pass --project, set " + Env.PROJECT
          + " or run `gcloud config set project PROJECT_ID`");
    }
    String region = first(regionFlag, env.get(Env.REGION), gcloud.get("run/region").orElse(null));
    return new OperatorConfig(project, region, first(env.get(Env.DATABASE)),
        first(env.get(Env.FIRESTORE_EMULATOR_HOST)), first(env.get(Env.PUBSUB_EMULATOR_HOST)),
        first(env.get(Env.RUN_ENDPOINT)), first(env.get(Env.MONITORING_ENDPOINT)));
  }

  /** True when Firestore is the emulator: then identities are local ones, not Google's. */
  public boolean emulated() {
    return firestoreHost != null;
  }

  Optional<String> runEndpointOpt() {
    return Optional.ofNullable(runEndpoint);
  }

  private static String first(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.trim();
      }
    }
    return null;
  }
}
