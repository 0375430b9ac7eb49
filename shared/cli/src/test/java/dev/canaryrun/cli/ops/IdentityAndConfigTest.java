package dev.canaryrun.cli.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who the caller is, and which project, from credentials, environment and gcloud's files. */
class IdentityAndConfigTest {
  @TempDir
  Path home;

  private static HttpServer tokeninfo(int status, String body, AtomicReference<String> query)
      throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.createContext("/tokeninfo", x -> {
      query.set(x.getRequestURI().getQuery());
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      x.sendResponseHeaders(status, b.length);
      x.getResponseBody().write(b);
      x.close();
    });
    s.start();
    return s;
  }

  @Test
  void userCredentialsAreNamedByTheEmailTokeninfoReportsForTheirToken() throws Exception {
    AtomicReference<String> query = new AtomicReference<>();
    HttpServer s = tokeninfo(200, "{\"email\": \"alice@example.com\", \"email_verified\": "
        + "\"true\", \"scope\": \"openid https://www.googleapis.com/auth/userinfo.email\"}", query);
    try {
      GoogleCredentials user = GoogleCredentials.create(new AccessToken("ya29.token",
          new Date(System.currentTimeMillis() + 3_600_000)));
      URI uri = URI.create("http://127.0.0.1:" + s.getAddress().getPort() + "/tokeninfo");
      assertEquals("alice@example.com",
          Identity.ofCredentials(user, uri, HttpClient.newHttpClient()));
      assertEquals("access_token=ya29.token", query.get());
    } finally {
      s.stop(0);
    }
  }

  @Test
  void aTokenWithoutAnEmailOrARefusedTokenIsAnErrorNotAnAnonymousActor() throws Exception {
    AtomicReference<String> query = new AtomicReference<>();
    GoogleCredentials user = GoogleCredentials.create(new AccessToken("t",
        new Date(System.currentTimeMillis() + 3_600_000)));
    for (HttpServer s : List.of(tokeninfo(200, "{\"scope\": \"cloud-platform\"}", query),
        tokeninfo(400, "{\"error\": \"invalid_token\"}", query))) {
      try {
        URI uri = URI.create("http://127.0.0.1:" + s.getAddress().getPort() + "/tokeninfo");
        IOException e = assertThrows(IOException.class,
            () -> Identity.ofCredentials(user, uri, HttpClient.newHttpClient()));
        assertTrue(e.getMessage().contains("email") || e.getMessage().contains("400"),
            e.getMessage());
      } finally {
        s.stop(0);
      }
    }
  }

  @Test
  void againstTheEmulatorsTheActorIsLocalAndSaysSo() {
    assertEquals("bob@local", Identity.local(Map.of("USER", "bob")));
    assertEquals("alice@example.com", Identity.local(Map.of("USER", "bob",
        Identity.ACTOR_ENV, "alice@example.com")));
  }

  @Test
  void theProjectComesFromTheFlagThenTheEnvironmentThenGcloudsActiveConfiguration()
      throws IOException {
    Path gcloud = home.resolve(".config/gcloud");
    Files.createDirectories(gcloud.resolve("configurations"));
    Files.writeString(gcloud.resolve("active_config"), "work\n");
    Files.writeString(gcloud.resolve("configurations/config_work"),
        "[core]\naccount = alice@example.com\nproject = shop-prod\n\n[run]\nregion = europe-west1\n");
    GcloudConfig config = GcloudConfig.load(Map.of(), home);
    OperatorConfig fromGcloud = OperatorConfig.resolve(null, null, Map.of(), config);
    assertEquals("shop-prod", fromGcloud.projectId());
    assertEquals("europe-west1", fromGcloud.region());
    assertEquals("shop-staging", OperatorConfig.resolve(null, null,
        Map.of("CANARYRUN_PROJECT", "shop-staging"), config).projectId());
    assertEquals("flag", OperatorConfig.resolve("flag", null,
        Map.of("CANARYRUN_PROJECT", "shop-staging"), config).projectId());
    UsageProblem none = assertThrows(UsageProblem.class, () -> OperatorConfig.resolve(null,
        null, Map.of(), GcloudConfig.load(Map.of(), home.resolve("nowhere"))));
    assertTrue(none.getMessage().contains("--project"), none.getMessage());
  }
}
