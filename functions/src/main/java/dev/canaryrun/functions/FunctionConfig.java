package dev.canaryrun.functions;

import dev.canaryrun.gcp.auth.IdTokenVerifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The functions' configuration, read from the environment once per instance. Every problem is
 * named at once, because a misconfigured deploy is fixed in one Terraform apply, not five.
 */
public record FunctionConfig(String project, String database, String policyDatabase,
    String region, String eventsTopic, String ticksTopic, Duration maxEventAge,
    Duration functionTimeout, Optional<String> runEndpoint,
    Optional<String> monitoringEndpoint, Optional<String> firestoreEmulator,
    Optional<String> pubsubEmulator, Set<String> commandAudiences, boolean allowUnverifiedCommands,
    String idTokenCerts, String alertsTopic, Optional<String> alertChannel) {

  public static FunctionConfig from(Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    String project = value(env, Env.PROJECT).orElse(null);
    if (project == null) {
      problems.add(Env.PROJECT + " is not set (the project of Firestore, Pub/Sub and the services)");
    }
    String region = value(env, Env.REGION).orElse(null);
    if (region == null) {
      problems.add(Env.REGION + " is not set (the Cloud Run region of builds that name none)");
    }
    long maxAge = Env.DEFAULT_MAX_EVENT_AGE_SECONDS;
    Optional<String> age = value(env, Env.MAX_EVENT_AGE_SECONDS);
    if (age.isPresent()) {
      try {
        maxAge = Long.parseLong(age.get().strip());
        if (maxAge <= 0) {
          problems.add(Env.MAX_EVENT_AGE_SECONDS + "=" + age.get() + " must be > 0");
        }
      } catch (NumberFormatException e) {
        problems.add(Env.MAX_EVENT_AGE_SECONDS + "=" + age.get() + " is not a number of seconds");
      }
    }
    Set<String> audiences = value(env, Env.COMMAND_AUDIENCES)
        .map(v -> Arrays.stream(v.split(",")).map(String::strip).filter(a -> !a.isEmpty())
            .collect(Collectors.toUnmodifiableSet()))
        .orElse(Env.DEFAULT_COMMAND_AUDIENCES);
    if (audiences.isEmpty()) {
      problems.add(Env.COMMAND_AUDIENCES + " names no audience");
    }
    String unverified = value(env, Env.UNVERIFIED_COMMANDS).orElse("refuse");
    if (!unverified.equals("allow") && !unverified.equals("refuse")) {
      problems.add(Env.UNVERIFIED_COMMANDS + "=" + unverified + " must be allow or refuse");
    }
    long timeout = seconds(env, Env.FUNCTION_TIMEOUT_SECONDS,
        Env.DEFAULT_FUNCTION_TIMEOUT_SECONDS, problems);
    if (!problems.isEmpty()) {
      throw new IllegalStateException("canaryrun functions are misconfigured: "
          + String.join("; ", problems));
    }
    String database = value(env, Env.DATABASE).orElse("(default)");
    return new FunctionConfig(project, database,
        value(env, Env.POLICY_DATABASE).orElse(database), region,
        value(env, Env.EVENTS_TOPIC).orElse(Env.DEFAULT_EVENTS_TOPIC),
        value(env, Env.TICKS_TOPIC).orElse(Env.DEFAULT_TICKS_TOPIC),
        Duration.ofSeconds(maxAge), Duration.ofSeconds(timeout), value(env, Env.RUN_ENDPOINT),
        value(env, Env.MONITORING_ENDPOINT), value(env, Env.FIRESTORE_EMULATOR_HOST),
        value(env, Env.PUBSUB_EMULATOR_HOST), audiences, unverified.equals("allow"),
        value(env, Env.ID_TOKEN_CERTS).orElse(IdTokenVerifier.GOOGLE_CERTS),
        value(env, Env.ALERTS_TOPIC).orElse(Env.DEFAULT_ALERTS_TOPIC),
        value(env, Env.ALERT_CHANNEL));
  }

  /** A positive number of seconds, or the default when unset; a problem is named. */
  private static long seconds(Map<String, String> env, String name, long fallback,
      List<String> problems) {
    Optional<String> v = value(env, name);
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      long s = Long.parseLong(v.get());
      if (s > 0) {
        return s;
      }
      problems.add(name + "=" + v.get() + " must be > 0");
    } catch (NumberFormatException e) {
      problems.add(name + "=" + v.get() + " is not a number of seconds");
    }
    return fallback;
  }

  /** The variables the Google client libraries read themselves, for PubSubClients. */
  private static Optional<String> value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }
}
