package dev.canaryrun.local;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How the local revisions behave: per-revision overrides (by short name, so a test can name
 * a revision before it exists) and per-image definitions (builds push by digest, whose name
 * cannot carry a behaviour the way {@link Behaviour#fromImage} reads it from a tag).
 */
final class Behaviours {
  private final Map<String, Behaviour> overrides = new ConcurrentHashMap<>();
  private final Map<String, Behaviour> images = new ConcurrentHashMap<>();

  void override(String revision, Behaviour behaviour) {
    overrides.put(RunNames.shortName(revision), behaviour);
  }

  void clear(String revision) {
    overrides.remove(RunNames.shortName(revision));
  }

  void defineImage(String imageOrDigest, Behaviour behaviour) {
    images.put(imageOrDigest, behaviour);
  }

  /** @param image the revision's image, or null when the revision is unknown */
  Behaviour of(String revision, String image) {
    Behaviour override = overrides.get(RunNames.shortName(revision));
    if (override != null) {
      return override;
    }
    if (image == null) {
      return Behaviour.healthy();
    }
    Behaviour b = images.get(image);
    if (b == null && image.contains("@")) {
      b = images.get(image.substring(image.indexOf('@') + 1));
    }
    return b != null ? b : Behaviour.fromImage(image);
  }
}
