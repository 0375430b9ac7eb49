package dev.canaryrun.gcp.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.fixtures.IdTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * google-auth-library's TokenVerifier against a local JWK set served over HTTP, as Google
 * serves its own: signature, issuer, audience, the window at the publish time, the email.
 */
class IdTokenVerifierTest {
  static final Instant PUBLISHED = Instant.parse("2026-12-01T10:00:00Z");
  static IdTokens google;
  static IdTokenVerifier verifier;

  @BeforeAll
  static void keys() {
    google = new IdTokens();
    verifier = IdTokenVerifier.withCertificates(Set.of(IdTokens.GCLOUD_AUDIENCE),
        google.serveKeys());
  }

  @AfterAll
  static void stop() {
    google.close();
  }

  static String refused(IdTokenVerifier.Result r) {
    return assertInstanceOf(IdTokenVerifier.Refused.class, r).problem();
  }

  @Test
  void aTokenSignedByTheKeySetNamesItsVerifiedEmailAndTheKeysAreFetchedOnce() {
    String t = google.token("Alice@Example.com", PUBLISHED.minusSeconds(60));
    assertEquals(new IdTokenVerifier.Verified("alice@example.com"), verifier.verify(t, PUBLISHED));
    assertEquals(new IdTokenVerifier.Verified("alice@example.com"),
        verifier.verify("Bearer " + t, PUBLISHED.plusSeconds(600)));
    assertEquals(1, google.keyFetches(), "the key set is cached");
  }

  @Test
  void aRedeliveryAfterTheTokenExpiredIsStillTheSameCommand() {
    // verified against the publish time, not the (later) time of redelivery
    String t = google.token("alice@example.com", PUBLISHED.minusSeconds(3500));
    assertInstanceOf(IdTokenVerifier.Verified.class, verifier.verify(t, PUBLISHED));
  }

  @Test
  void everyBrokenTokenIsRefusedWithTheReason() {
    Instant iat = PUBLISHED.minusSeconds(60);
    Instant exp = iat.plus(Duration.ofHours(1));
    assertTrue(refused(verifier.verify(google.token("a@b.co", "someone-else", IdTokens.ISSUER,
        iat, exp, true), PUBLISHED)).contains("audience"));
    assertTrue(refused(verifier.verify(google.token("a@b.co", IdTokens.GCLOUD_AUDIENCE,
        "https://evil.example", iat, exp, true), PUBLISHED)).contains("issuer"));
    assertTrue(refused(verifier.verify(google.token("a@b.co", PUBLISHED.minusSeconds(7200)),
        PUBLISHED)).contains("expired"));
    assertTrue(refused(verifier.verify(google.token("a@b.co", PUBLISHED.plusSeconds(3600)),
        PUBLISHED)).contains("issued at"));
    assertTrue(refused(verifier.verify(google.token("a@b.co", IdTokens.GCLOUD_AUDIENCE,
        IdTokens.ISSUER, iat, exp, false), PUBLISHED)).contains("not verified"));
    try (IdTokens attacker = new IdTokens()) {
      assertTrue(refused(verifier.verify(attacker.token("cto@example.com", iat), PUBLISHED))
          .contains("does not verify"));
    }
    String good = google.token("mallory@example.com", iat);
    String[] parts = good.split("\\.");
    String forgedPayload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        ("{\"iss\":\"" + IdTokens.ISSUER + "\",\"aud\":\"" + IdTokens.GCLOUD_AUDIENCE
            + "\",\"email\":\"cto@example.com\",\"email_verified\":true,\"iat\":"
            + iat.getEpochSecond() + ",\"exp\":" + exp.getEpochSecond() + "}").getBytes());
    assertTrue(refused(verifier.verify(parts[0] + "." + forgedPayload + "." + parts[2],
        PUBLISHED)).contains("does not verify"));
    refused(verifier.verify("not-a-jwt", PUBLISHED));
    refused(verifier.verify("", PUBLISHED));
    refused(verifier.verify("a.b.c", PUBLISHED));
  }
}
