package dev.canaryrun.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.canaryrun.local.Behaviour;
import dev.canaryrun.policy.InvalidPolicyException;
import dev.canaryrun.policy.PolicyJson;
import dev.canaryrun.policy.RolloutPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What the demo plays: one watched service, the image it runs before the first release, the
 * rollout policy written to the policy store, and the releases in order with the outcome each
 * must reach. The JSON format is documented in docs/DEMO.md; the default ships as a resource.
 *
 * @param policyJson the policy as the policy store holds it (docs/CONTRACT.md), re-serialised
 * @param timeout the whole demo's budget; past it the demo stops and fails
 */
public record DemoScenario(String service, String region, String stableImage, String policyJson,
    List<Release> releases, Duration timeout) {

  public static final String DEFAULT_RESOURCE = "/dev/canaryrun/cli/demo/default-scenario.json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TOP =
      Set.of("service", "region", "stableImage", "policy", "releases", "timeoutSeconds");
  private static final Set<String> RELEASE =
      Set.of("version", "description", "image", "expect", "alert");
  private static final Set<String> ALERT = Set.of("atSeconds", "policyName", "summary");

  public DemoScenario {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(stableImage, "stableImage");
    Objects.requireNonNull(policyJson, "policyJson");
    releases = List.copyOf(releases);
    Objects.requireNonNull(timeout, "timeout");
  }

  /** How a release must end. */
  public enum Expectation {
    PROMOTED,
    ROLLED_BACK_BY_JUDGE,
    ROLLED_BACK_BY_ALERT
  }

  /**
   * A Cloud Monitoring incident opened on the candidate revision {@code at} after it first
   * receives traffic.
   */
  public record Alert(Duration at, String policyName, String summary) {
    public Alert {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(policyName, "policyName");
      Objects.requireNonNull(summary, "summary");
    }
  }

  /**
   * One build to release. The image's tag carries its behaviour (shared/local's convention,
   * e.g. {@code :v3-err0.15-lat10ms}); the build notification pins it by a digest that the
   * demo maps back to that behaviour.
   *
   * @param alert null when no incident is raised
   */
  public record Release(String version, String description, String image, Expectation expect,
      Alert alert) {
    public Release {
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(image, "image");
      Objects.requireNonNull(expect, "expect");
      description = description == null ? "" : description;
    }

    public Behaviour behaviour() {
      return Behaviour.fromImage(image);
    }
  }

  public RolloutPolicy policy() {
    return PolicyJson.parse(policyJson);
  }

  public static DemoScenario defaults() {
    return resource(DEFAULT_RESOURCE);
  }

  private static DemoScenario resource(String name) {
    try (InputStream in = DemoScenario.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8),
          name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A file, or the name of a scenario shipped with the demo ({@code multi-region} is
   * {@code multi-region-scenario.json} next to the default) when no such file exists.
   */
  public static DemoScenario load(Path file) {
    String bundled = "/dev/canaryrun/cli/demo/" + file + "-scenario.json";
    if (!Files.exists(file) && file.getNameCount() == 1
        && DemoScenario.class.getResource(bundled) != null) {
      return resource(bundled);
    }
    try {
      return parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read scenario " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses and validates everything at once, naming every bad field: a scenario is written by
   * hand, and one-error-at-a-time is a slow loop.
   */
  public static DemoScenario parse(String text, String origin) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(origin + ": not valid JSON: " + e.getMessage(), e);
    }
    List<String> problems = new ArrayList<>();
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(origin + ": a scenario is a JSON object");
    }
    unknown(root, TOP, "", problems);
    String service = text(root, "service", "checkout");
    String region = text(root, "region", "us-central1");
    String stable = text(root, "stableImage", "localhost/demo/checkout:v1");
    String policy = root.has("policy") ? root.get("policy").toString() : "{}";
    try {
      policy = PolicyJson.write(PolicyJson.parse(policy));
    } catch (InvalidPolicyException e) {
      e.problems().forEach(p -> problems.add("policy." + p));
    }
    long timeout = root.path("timeoutSeconds").asLong(150);
    if (timeout < 10) {
      problems.add("timeoutSeconds: " + timeout + " must be >= 10");
    }
    List<Release> releases = new ArrayList<>();
    JsonNode rs = root.path("releases");
    if (!rs.isArray() || rs.isEmpty()) {
      problems.add("releases: must be a non-empty array");
    } else {
      for (int i = 0; i < rs.size(); i++) {
        Release r = release(rs.get(i), "releases[" + i + "]", problems);
        if (r != null) {
          releases.add(r);
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(origin + " is not a valid scenario:\n  "
          + String.join("\n  ", problems));
    }
    return new DemoScenario(service, region, stable, policy, releases, Duration.ofSeconds(timeout));
  }

  private static Release release(JsonNode r, String at, List<String> problems) {
    if (!r.isObject()) {
      problems.add(at + ": must be an object");
      return null;
    }
    unknown(r, RELEASE, at + ".", problems);
    String version = text(r, "version", null);
    String image = text(r, "image", null);
    String expect = text(r, "expect", null);
    if (version == null) {
      problems.add(at + ".version: is required");
    }
    if (image == null) {
      problems.add(at + ".image: is required");
    } else {
      try {
        Behaviour.fromImage(image);
      } catch (IllegalArgumentException e) {
        problems.add(at + ".image: " + e.getMessage());
      }
    }
    Expectation expectation = null;
    if (expect == null) {
      problems.add(at + ".expect: is required (one of " + List.of(Expectation.values()) + ")");
    } else {
      try {
        expectation = Expectation.valueOf(expect.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        problems.add(at + ".expect: '" + expect + "' is not one of "
            + List.of(Expectation.values()));
      }
    }
    Alert alert = null;
    JsonNode a = r.get("alert");
    if (a != null && !a.isNull()) {
      unknown(a, ALERT, at + ".alert.", problems);
      double seconds = a.path("atSeconds").asDouble(-1);
      if (seconds < 0) {
        problems.add(at + ".alert.atSeconds: is required, seconds after the canary first gets"
            + " traffic");
      }
      alert = new Alert(Duration.ofMillis((long) (Math.max(0, seconds) * 1000)),
          text(a, "policyName", "canary revision alert"),
          text(a, "summary", "an alert policy fired on the canary revision"));
    }
    if (expectation == Expectation.ROLLED_BACK_BY_ALERT && alert == null) {
      problems.add(at + ": expect ROLLED_BACK_BY_ALERT needs an \"alert\"");
    }
    if (version == null || image == null || expectation == null) {
      return null;
    }
    return new Release(version, text(r, "description", ""), image, expectation, alert);
  }

  private static void unknown(JsonNode node, Set<String> known, String prefix,
      List<String> problems) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        problems.add(prefix + name + ": unknown field (known: "
            + String.join(", ", known.stream().sorted().toList()) + ")");
      }
    }
  }

  private static String text(JsonNode node, String field, String fallback) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() && !v.asText().isBlank() ? v.asText() : fallback;
  }
}
