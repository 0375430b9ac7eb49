package dev.canaryrun.cli.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's files, all from the classpath: its own pages, scripts and styles under
 * {@code dashboard/}, and uPlot from its WebJar. Only names made of plain characters are
 * looked up, so a path can never climb out of those folders.
 */
final class Assets {
  static final String UPLOT_VERSION = webjarVersion("uplot");
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8", "png", "image/png", "svg", "image/svg+xml");

  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

  record Asset(byte[] body, String contentType) {}

  /** {@code name} under dashboard/ (e.g. {@code rollout.js}) or {@code uplot/uPlot.iife.min.js}. */
  Optional<Asset> find(String name) {
    if (!name.matches("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)?") || name.contains("..")) {
      return Optional.empty();
    }
    String resource = name.startsWith("uplot/")
        ? "META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist/" + name.substring(6)
        : "dashboard/" + name;
    byte[] body = cache.computeIfAbsent(resource, Assets::read);
    if (body.length == 0) {
      return Optional.empty();
    }
    String ext = name.substring(name.lastIndexOf('.') + 1);
    return Optional.of(new Asset(body, TYPES.getOrDefault(ext, "application/octet-stream")));
  }

  private static byte[] read(String resource) {
    try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource)) {
      return in == null ? new byte[0] : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  /** The WebJar's version from its Maven metadata, so a version bump needs no code change. */
  private static String webjarVersion(String artifact) {
    String path = "META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
    try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("the " + artifact + " WebJar is not on the classpath");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }
}
