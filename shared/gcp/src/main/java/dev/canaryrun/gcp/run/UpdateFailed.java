package dev.canaryrun.gcp.run;

import com.google.api.gax.rpc.ApiException;

/** An UpdateService failure with the etag that was sent, to recognise conflicts. */
final class UpdateFailed extends RuntimeException {
  final String sentEtag;
  final ApiException cause;

  UpdateFailed(String sentEtag, ApiException cause) {
    super(cause);
    this.sentEtag = sentEtag;
    this.cause = cause;
  }
}
