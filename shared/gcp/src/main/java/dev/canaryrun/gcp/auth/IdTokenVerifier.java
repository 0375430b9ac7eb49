package dev.canaryrun.gcp.auth;

import com.google.api.client.json.webtoken.JsonWebSignature;
import com.google.api.client.json.webtoken.JsonWebToken;
import com.google.auth.oauth2.TokenVerifier;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies a Google-signed ID token (what {@code gcloud auth print-identity-token} prints) and
 * returns the verified email: the RS256 signature against Google's published keys (fetched
 * from {@link #GOOGLE_CERTS} and cached by google-auth-library's {@link TokenVerifier} for an
 * hour), the issuer, one of the configured audiences, and the validity window.
 *
 * <p>Time is checked against {@code at}, the moment Pub/Sub accepted the message, not the
 * moment of decoding: a command published with a valid token and redelivered after a
 * transient failure an hour later is still the same command from the same person. That is why
 * the signature check runs with a clock that never expires a token, and the window is checked
 * here (Pub/Sub sets the publish time; a publisher cannot).
 */
public final class IdTokenVerifier {
  public static final String GOOGLE_CERTS = "https://www.googleapis.com/oauth2/v3/certs";
  /** Google uses both spellings (https://developers.google.com/identity/openid-connect). */
  public static final Set<String> ISSUERS =
      Set.of("https://accounts.google.com", "accounts.google.com");
  /** Google's clocks and Pub/Sub's agree to seconds; this covers a token minted just now. */
  static final Duration SKEW = Duration.ofMinutes(2);

  private final TokenVerifier signatures;
  private final Set<String> audiences;

  private IdTokenVerifier(TokenVerifier signatures, Set<String> audiences) {
    this.signatures = signatures;
    this.audiences = Set.copyOf(audiences);
    if (this.audiences.isEmpty()) {
      throw new IllegalArgumentException("an ID token verifier needs at least one audience");
    }
  }

  /** Against the keys published at {@code certificatesUrl} (Google's, or a local set in tests). */
  public static IdTokenVerifier withCertificates(Set<String> audiences, String certificatesUrl) {
    return new IdTokenVerifier(TokenVerifier.newBuilder()
        .setCertificatesLocation(Objects.requireNonNull(certificatesUrl, "certificatesUrl"))
        .setClock(() -> 0L) // the window is checked against the publish time, below
        .build(), audiences);
  }

  /** Against one public key (tests). */
  public static IdTokenVerifier withKey(Set<String> audiences, PublicKey key) {
    return new IdTokenVerifier(TokenVerifier.newBuilder().setPublicKey(key)
        .setClock(() -> 0L).build(), audiences);
  }

  /** What a verification established. */
  public sealed interface Result {}

  /** @param email the sender's Google account or service account, as Google verified it */
  public record Verified(String email) implements Result {}

  /** @param problem why the token proves nothing (never the token itself) */
  public record Refused(String problem) implements Result {}

  public Result verify(String token, Instant at) {
    if (token == null || token.isBlank()) {
      return new Refused("no ID token");
    }
    JsonWebSignature jws;
    try {
      jws = signatures.verify(token.startsWith("Bearer ") ? token.substring(7).strip() : token);
    } catch (TokenVerifier.VerificationException e) {
      return new Refused("the ID token does not verify: " + e.getMessage());
    } catch (RuntimeException e) {
      return new Refused("the ID token is not a JWT: " + e.getClass().getSimpleName());
    }
    JsonWebToken.Payload p = jws.getPayload();
    if (p.getIssuer() == null || !ISSUERS.contains(p.getIssuer())) {
      return new Refused("the ID token's issuer '" + p.getIssuer() + "' is not Google");
    }
    List<String> aud = p.getAudienceAsList();
    if (aud == null || aud.stream().noneMatch(audiences::contains)) {
      return new Refused("the ID token's audience " + aud + " is not one of " + audiences);
    }
    Long exp = p.getExpirationTimeSeconds();
    Long iat = p.getIssuedAtTimeSeconds();
    if (exp == null || iat == null) {
      return new Refused("the ID token has no exp or iat");
    }
    if (Instant.ofEpochSecond(exp).isBefore(at)) {
      return new Refused("the ID token expired at " + Instant.ofEpochSecond(exp)
          + ", before the command was published (" + at + ")");
    }
    if (Instant.ofEpochSecond(iat).isAfter(at.plus(SKEW))) {
      return new Refused("the ID token was issued at " + Instant.ofEpochSecond(iat)
          + ", after the command was published (" + at + ")");
    }
    Object email = p.get("email");
    if (!(email instanceof String e) || e.isBlank()) {
      return new Refused("the ID token names no email (service accounts: "
          + "gcloud auth print-identity-token --include-email)");
    }
    if (!Boolean.TRUE.equals(p.get("email_verified"))) {
      return new Refused("the ID token's email " + e + " is not verified by Google");
    }
    return new Verified(e.toLowerCase(java.util.Locale.ROOT));
  }
}
