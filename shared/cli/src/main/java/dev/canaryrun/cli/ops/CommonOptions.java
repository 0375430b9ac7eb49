package dev.canaryrun.cli.ops;

import picocli.CommandLine.Option;

/** The options every operator command takes. */
final class CommonOptions {
  enum Output { text, json }

  @Option(names = "--project", paramLabel = "PROJECT_ID",
      description = "Google Cloud project (default: CANARYRUN_PROJECT, CLOUDSDK_CORE_PROJECT, "
          + "GOOGLE_CLOUD_PROJECT, then gcloud's core/project)")
  String project;

  @Option(names = "--region", paramLabel = "REGION",
      description = "Cloud Run region, when no stored rollout names it (default: "
          + "CANARYRUN_REGION, then gcloud's run/region)")
  String region;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
      description = "text (default) or json")
  Output output = Output.text;

  boolean json() {
    return output == Output.json;
  }
}
