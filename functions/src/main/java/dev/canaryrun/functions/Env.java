package dev.canaryrun.functions;

import java.util.List;

/**
 * The environment variables of docs/CONTRACT.md, in one place so that TerraformContractTest
 * can check the Terraform module sets exactly these.
 */
public final class Env {
  /** Project that holds Firestore, Pub/Sub and the watched services. Required. */
  public static final String PROJECT = "CANARYRUN_PROJECT";
  /** Firestore database id; default {@code (default)}. */
  public static final String DATABASE = "CANARYRUN_DATABASE";
  /** Cloud Run region of builds that name none. Required. */
  public static final String REGION = "CANARYRUN_REGION";
  public static final String EVENTS_TOPIC = "CANARYRUN_EVENTS_TOPIC";
  public static final String TICKS_TOPIC = "CANARYRUN_TICKS_TOPIC";
  public static final String MAX_EVENT_AGE_SECONDS = "CANARYRUN_MAX_EVENT_AGE_SECONDS";
  /** The functions' own timeout (Terraform's function_settings.timeout_seconds). */
  public static final String FUNCTION_TIMEOUT_SECONDS = "CANARYRUN_FUNCTION_TIMEOUT_SECONDS";
  public static final long DEFAULT_FUNCTION_TIMEOUT_SECONDS = 120;

  /** Tests and the demo only: host:port of a plaintext gRPC Cloud Run Admin v2 server. */
  public static final String RUN_ENDPOINT = "CANARYRUN_RUN_ENDPOINT";
  /** Tests and the demo only: host:port of a plaintext gRPC Monitoring v3 server. */
  public static final String MONITORING_ENDPOINT = "CANARYRUN_MONITORING_ENDPOINT";
  /** Tests and the demo only: the emulators, as the Google client libraries name them. */
  public static final String FIRESTORE_EMULATOR_HOST = "FIRESTORE_EMULATOR_HOST";
  public static final String PUBSUB_EMULATOR_HOST = "PUBSUB_EMULATOR_HOST";

  public static final String DEFAULT_EVENTS_TOPIC = "canaryrun-events";
  public static final String DEFAULT_TICKS_TOPIC = "canaryrun-ticks";
  public static final long DEFAULT_MAX_EVENT_AGE_SECONDS = 3600;

  /** Every variable Terraform sets on the four functions. */
  public static final List<String> DEPLOYED = List.of(PROJECT, DATABASE, REGION, EVENTS_TOPIC,
      TICKS_TOPIC, MAX_EVENT_AGE_SECONDS, FUNCTION_TIMEOUT_SECONDS);
  /** Variables that must never reach a deployed function (they point it at fakes). */
  public static final List<String> LOCAL_ONLY = List.of(RUN_ENDPOINT, MONITORING_ENDPOINT,
      FIRESTORE_EMULATOR_HOST, PUBSUB_EMULATOR_HOST);

  private Env() {}
}
