package dev.canaryrun.gcp.smoke;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.IdTokenCredentials;
import com.google.auth.oauth2.IdTokenProvider;
import java.io.IOException;

/**
 * A Google-signed OpenID Connect ID token for calling a Cloud Run service that requires
 * authentication ({@code Authorization: Bearer <token>}, audience = the service URL).
 */
@FunctionalInterface
public interface IdTokenSource {
  String idToken(String audience) throws IOException;

  /**
   * Application Default Credentials: the function's service account on Google Cloud (the
   * metadata server signs the token), or a service-account key locally. User credentials
   * from {@code gcloud auth application-default login} cannot mint ID tokens.
   */
  static IdTokenSource applicationDefault() {
    return audience -> {
      GoogleCredentials credentials = GoogleCredentials.getApplicationDefault();
      if (!(credentials instanceof IdTokenProvider provider)) {
        throw new IOException("Application Default Credentials of type "
            + credentials.getClass().getSimpleName() + " cannot mint ID tokens; "
            + "use a service account");
      }
      IdTokenCredentials token = IdTokenCredentials.newBuilder()
          .setIdTokenProvider(provider)
          .setTargetAudience(audience)
          .build();
      token.refresh();
      return token.getIdToken().getTokenValue();
    };
  }
}
