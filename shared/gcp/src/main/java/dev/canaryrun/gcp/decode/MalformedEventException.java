package dev.canaryrun.gcp.decode;

/**
 * Thrown inside the decoders at the first problem found and turned into
 * {@link Decoded.Rejected} at their boundary; it never escapes this package's public API.
 */
final class MalformedEventException extends RuntimeException {
  MalformedEventException(String problem) {
    super(problem, null, false, false);
  }
}
