package dev.canaryrun.cli.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The properties of gcloud's active configuration ({@code gcloud config set project ...}),
 * read from its files rather than by running gcloud: the CLI must work where only the
 * configuration directory exists (a CI image), and spawning gcloud costs a second.
 * Layout: {@code $CLOUDSDK_CONFIG} (default {@code ~/.config/gcloud}), the active
 * configuration's name in {@code active_config} (or {@code CLOUDSDK_ACTIVE_CONFIG_NAME}),
 * its properties in {@code configurations/config_<name>}, an INI file.
 */
record GcloudConfig(Map<String, String> properties) {

  static GcloudConfig load(Map<String, String> env, Path home) {
    Path dir = env.containsKey("CLOUDSDK_CONFIG") ? Path.of(env.get("CLOUDSDK_CONFIG"))
        : home.resolve(".config").resolve("gcloud");
    try {
      String name = env.get("CLOUDSDK_ACTIVE_CONFIG_NAME");
      if (name == null) {
        Path active = dir.resolve("active_config");
        name = Files.isRegularFile(active)
            ? Files.readString(active, StandardCharsets.UTF_8).trim() : "default";
      }
      Path file = dir.resolve("configurations").resolve("config_" + name);
      return new GcloudConfig(Files.isRegularFile(file)
          ? parse(Files.readAllLines(file, StandardCharsets.UTF_8)) : Map.of());
    } catch (IOException e) {
      return new GcloudConfig(Map.of()); // unreadable: as if gcloud were not configured
    }
  }

  static GcloudConfig none() {
    return new GcloudConfig(Map.of());
  }

  /** {@code section/name}, e.g. {@code core/project}, {@code run/region}. */
  Optional<String> get(String key) {
    return Optional.ofNullable(properties.get(key)).filter(v -> !v.isBlank());
  }

  static Map<String, String> parse(List<String> lines) {
    Map<String, String> out = new HashMap<>();
    String section = "";
    for (String raw : lines) {
      String line = raw.trim();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        section = line.substring(1, line.length() - 1).trim();
      } else if (line.contains("=")) {
        int eq = line.indexOf('=');
        out.put(section + "/" + line.substring(0, eq).trim(), line.substring(eq + 1).trim());
      }
    }
    return Map.copyOf(out);
  }
}
