package dev.canaryrun.functions;

import dev.canaryrun.gcp.auth.IdTokenVerifier;
import dev.canaryrun.gcp.decode.CommandDecoder;
import dev.canaryrun.gcp.decode.PubSubMessage;
import java.util.Objects;

/**
 * Who sent a command: the email in the sender's Google-signed ID token (field
 * {@code idToken}), never the free-text {@code actor}. A command without a token that verifies
 * is refused, unless {@code CANARYRUN_UNVERIFIED_COMMANDS=allow} (the local demo and the
 * emulators only: Terraform never sets it, TerraformContractTest holds it to that), in which
 * case it is audited under its claimed actor marked "(unverified)".
 */
public final class CommandSender {
  /** The outcome of identifying one command's sender. */
  sealed interface Identity {
    /** The actor to audit, given what the command claimed. */
    String actor(String claimed);
  }

  /** @param email verified by Google's signature: the actor, whatever the command claims */
  record Verified(String email) implements Identity {
    @Override
    public String actor(String claimed) {
      return email;
    }
  }

  /** No token, and this instance is configured to allow that (demo, emulators). */
  record Unverified() implements Identity {
    @Override
    public String actor(String claimed) {
      return (claimed == null || claimed.isBlank() ? "unknown" : claimed) + " (unverified)";
    }
  }

  /** @param problem why the sender is unknown; the command is acked and not applied */
  record Refused(String problem) implements Identity {
    @Override
    public String actor(String claimed) {
      throw new IllegalStateException("a refused command has no actor");
    }
  }

  private final IdTokenVerifier verifier;
  private final boolean allowUnverified;

  public CommandSender(IdTokenVerifier verifier, boolean allowUnverified) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.allowUnverified = allowUnverified;
  }

  /** Google's keys and the default audiences; unverified commands refused. */
  public static CommandSender production() {
    return new CommandSender(IdTokenVerifier.withCertificates(Env.DEFAULT_COMMAND_AUDIENCES,
        IdTokenVerifier.GOOGLE_CERTS), false);
  }

  Identity identify(PubSubMessage m) {
    if (m.data().length > CommandDecoder.MAX_BYTES) {
      return new Refused("command is " + m.data().length + " bytes, over the limit of "
          + CommandDecoder.MAX_BYTES + ": not read, so its sender is unknown");
    }
    var token = CommandDecoder.idToken(m);
    if (token.isEmpty()) {
      return allowUnverified ? new Unverified() : new Refused("the command carries no "
          + CommandDecoder.ID_TOKEN + " (gcloud auth print-identity-token): unverified commands "
          + "are refused");
    }
    // A token that is present is always checked, even where unverified commands are allowed:
    // a bad token is an attempt, not an absence.
    IdTokenVerifier.Result r = verifier.verify(token.get(), m.publishTime());
    return r instanceof IdTokenVerifier.Verified v ? new Verified(v.email())
        : new Refused(((IdTokenVerifier.Refused) r).problem());
  }
}
