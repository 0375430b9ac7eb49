package dev.canaryrun.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.IdTokenProvider;
import com.google.auth.oauth2.ImpersonatedCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who is running the CLI: the {@code actor} of the commands it publishes and of the audit
 * entries it writes. Taken from the credentials, never from a flag, so that the audit trail
 * names the person the credentials belong to:
 *
 * <ul>
 *   <li>Application Default Credentials: a service account's (or impersonated account's)
 *       email; for user credentials ({@code gcloud auth application-default login}) the email
 *       Google's tokeninfo endpoint reports for the access token (gcloud asks for the
 *       {@code userinfo.email} scope).
 *   <li>Against the emulators, which have no identities: {@code CANARYRUN_ACTOR} if set, else
 *       {@code $USER@local}; the {@code @local} says it was never verified.
 * </ul>
 */
final class Identity {
  static final String ACTOR_ENV = "CANARYRUN_ACTOR";
  /** The audience a service account's token is minted for (Env.DEFAULT_COMMAND_AUDIENCES). */
  static final String COMMAND_AUDIENCE = "canaryrun-commands";
  static final URI TOKENINFO = URI.create("https://oauth2.googleapis.com/tokeninfo");
  private static final ObjectMapper JSON = new ObjectMapper();

  private Identity() {}

  static String of(OperatorConfig config, Map<String, String> env) {
    if (config.emulated()) {
      return local(env);
    }
    try {
      return ofCredentials(GoogleCredentials.getApplicationDefault(), TOKENINFO,
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    } catch (IOException e) {
      throw new OperationFailed("cannot tell who you are from Application Default Credentials ("
          + e.getMessage() + "): run `gcloud auth application-default login`", e);
    }
  }

  /**
   * The ID token that proves the sender to the commands function: minted from Application
   * Default Credentials (a service account asks for the {@code canaryrun-commands} audience;
   * gcloud's user credentials give their own client id as audience, which the functions
   * accept by default). Empty against the emulators.
   */
  static Optional<String> idToken(OperatorConfig config) {
    if (config.emulated()) {
      return Optional.empty();
    }
    try {
      GoogleCredentials credentials = GoogleCredentials.getApplicationDefault();
      if (!(credentials instanceof IdTokenProvider provider)) {
        throw new OperationFailed("these Application Default Credentials ("
            + credentials.getClass().getSimpleName() + ") cannot mint an ID token, and the"
            + " functions refuse unsigned commands: use `gcloud auth application-default"
            + " login` or a service account");
      }
      return Optional.of(provider.idTokenWithAudience(COMMAND_AUDIENCE,
          List.of(IdTokenProvider.Option.INCLUDE_EMAIL)).getTokenValue());
    } catch (IOException e) {
      throw new OperationFailed("cannot mint an ID token from Application Default Credentials ("
          + e.getMessage() + "): run `gcloud auth application-default login`", e);
    }
  }

  static String local(Map<String, String> env) {
    String actor = env.get(ACTOR_ENV);
    if (actor != null && !actor.isBlank()) {
      return actor.trim();
    }
    String user = env.getOrDefault("USER", System.getProperty("user.name", "operator"));
    return user + "@local";
  }

  static String ofCredentials(GoogleCredentials credentials, URI tokeninfo, HttpClient http)
      throws IOException {
    if (credentials instanceof ServiceAccountCredentials sa) {
      return sa.getClientEmail();
    }
    if (credentials instanceof ImpersonatedCredentials ic) {
      return ic.getAccount();
    }
    credentials.refreshIfExpired();
    AccessToken token = credentials.getAccessToken();
    if (token == null) {
      throw new IOException("the credentials gave no access token");
    }
    HttpRequest request = HttpRequest.newBuilder(URI.create(tokeninfo + "?access_token="
            + URLEncoder.encode(token.getTokenValue(), StandardCharsets.UTF_8)))
        .timeout(Duration.ofSeconds(10)).GET().build();
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IOException("tokeninfo answered " + r.statusCode() + ": " + r.body());
      }
      JsonNode body = JSON.readTree(r.body());
      String email = body.path("email").asText("");
      if (email.isBlank()) {
        throw new IOException("the access token carries no email (scope userinfo.email "
            + "missing); log in again with `gcloud auth application-default login`");
      }
      return email;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking tokeninfo", e);
    }
  }
}
