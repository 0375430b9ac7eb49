package dev.canaryrun.gcp.store;

import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import java.util.Objects;

/**
 * Builds the Firestore client for the functions (Application Default Credentials) or, when an
 * emulator host is given, for the emulator (plaintext, no credentials).
 */
public final class FirestoreClients {
  /** The database id Firestore calls "(default)". */
  public static final String DEFAULT_DATABASE = "(default)";

  private FirestoreClients() {}

  /**
   * @param databaseId null or blank for {@link #DEFAULT_DATABASE}
   * @param emulatorHost host:port of the Firestore emulator; null or blank for the real service
   */
  public static Firestore create(String projectId, String databaseId, String emulatorHost) {
    Objects.requireNonNull(projectId, "projectId");
    FirestoreOptions.Builder options = FirestoreOptions.newBuilder()
        .setProjectId(projectId)
        .setDatabaseId(blank(databaseId) ? DEFAULT_DATABASE : databaseId);
    if (!blank(emulatorHost)) {
      // setEmulatorHost alone: it installs a plaintext channel and the emulator's "owner"
      // credentials. Adding NoCredentials would make the client dial getHost() instead, which
      // is still firestore.googleapis.com.
      options.setEmulatorHost(emulatorHost);
    }
    return options.build().getService();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
