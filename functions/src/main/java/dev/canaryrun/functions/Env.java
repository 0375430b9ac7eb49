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
  /**
   * Firestore database of {@code policies/*}; default: {@link #DATABASE}. Terraform puts the
   * policies in a database of their own that the functions may only read (docs/SECURITY.md).
   */
  public static final String POLICY_DATABASE = "CANARYRUN_POLICY_DATABASE";
  /** Cloud Run region of watched services whose policy document names none. Required. */
  public static final String REGION = "CANARYRUN_REGION";
  public static final String EVENTS_TOPIC = "CANARYRUN_EVENTS_TOPIC";
  public static final String TICKS_TOPIC = "CANARYRUN_TICKS_TOPIC";
  /** Where a rollback drill publishes its incident: the topic OnAlertFired consumes. */
  public static final String ALERTS_TOPIC = "CANARYRUN_ALERTS_TOPIC";
  /**
   * The Monitoring notification channel (projects/P/notificationChannels/ID) canaryrun's alert
   * policies must notify; a drill checks that they do. Unset: that check fails.
   */
  public static final String ALERT_CHANNEL = "CANARYRUN_ALERT_CHANNEL";
  public static final String MAX_EVENT_AGE_SECONDS = "CANARYRUN_MAX_EVENT_AGE_SECONDS";
  /**
   * Audiences a command's ID token may be minted for, comma-separated (docs/SECURITY.md): by
   * default gcloud's own client id (what {@code gcloud auth print-identity-token} gives a user)
   * and {@code canaryrun-commands} (a service account's {@code --audiences=canaryrun-commands}).
   */
  public static final String COMMAND_AUDIENCES = "CANARYRUN_COMMAND_AUDIENCES";
  /** Demo and emulators only: {@code allow} lets a command without an ID token through. */
  public static final String UNVERIFIED_COMMANDS = "CANARYRUN_UNVERIFIED_COMMANDS";
  /** Tests only: where the ID tokens' public keys are published instead of Google's. */
  public static final String ID_TOKEN_CERTS = "CANARYRUN_ID_TOKEN_CERTS";
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
  public static final String DEFAULT_ALERTS_TOPIC = "canaryrun-alerts";
  public static final long DEFAULT_MAX_EVENT_AGE_SECONDS = 3600;
  /**
   * 32555940559.apps.googleusercontent.com is the OAuth client id of the gcloud CLI ({@code
   * gcloud auth print-identity-token}); 764086051850... that of {@code gcloud auth
   * application-default login}, whose user credentials the canaryrun CLI mints its tokens
   * from; {@code canaryrun-commands} the audience service accounts ask for.
   */
  public static final java.util.Set<String> DEFAULT_COMMAND_AUDIENCES =
      java.util.Set.of("32555940559.apps.googleusercontent.com",
          "764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com", "canaryrun-commands");

  /** Every variable Terraform sets on the four functions. */
  public static final List<String> DEPLOYED = List.of(PROJECT, DATABASE, POLICY_DATABASE, REGION,
      EVENTS_TOPIC, TICKS_TOPIC, MAX_EVENT_AGE_SECONDS, COMMAND_AUDIENCES,
      FUNCTION_TIMEOUT_SECONDS, ALERTS_TOPIC, ALERT_CHANNEL);
  /** Variables that must never reach a deployed function (they point it at fakes). */
  public static final List<String> LOCAL_ONLY = List.of(RUN_ENDPOINT, MONITORING_ENDPOINT,
      FIRESTORE_EMULATOR_HOST, PUBSUB_EMULATOR_HOST, UNVERIFIED_COMMANDS, ID_TOKEN_CERTS);

  private Env() {}
}
