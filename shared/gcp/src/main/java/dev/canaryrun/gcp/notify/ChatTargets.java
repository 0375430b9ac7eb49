package dev.canaryrun.gcp.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The chat targets of a notifier, from its environment as Terraform sets it:
 * {@code CANARYRUN_CHAT_TARGETS} lists them without their URLs,
 * {@code [{"name": "oncall", "kind": "slack", "events": ["ROLLED_BACK"], "service": "checkout"}]},
 * and each URL is a secret environment variable {@code CANARYRUN_CHAT_URL_<NAME>} (from Secret
 * Manager: a webhook URL is a credential). A bad configuration fails with every problem named.
 */
public final class ChatTargets {
  public static final String TARGETS_ENV = "CANARYRUN_CHAT_TARGETS";
  public static final String URL_ENV_PREFIX = "CANARYRUN_CHAT_URL_";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ChatTargets() {}

  /** {@code CANARYRUN_CHAT_URL_ONCALL} for {@code oncall}; Terraform derives the same name. */
  public static String urlVariable(String name) {
    return URL_ENV_PREFIX + name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  public static List<ChatTarget> fromEnvironment(Map<String, String> env) {
    String text = env.get(TARGETS_ENV);
    if (text == null || text.isBlank()) {
      return List.of();
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(TARGETS_ENV + " is not JSON: " + e.getMessage(), e);
    }
    if (!root.isArray()) {
      throw new IllegalArgumentException(TARGETS_ENV + " must be a JSON array of targets");
    }
    List<ChatTarget> targets = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      JsonNode t = root.get(i);
      String name = t.path("name").asText("");
      if (name.isBlank()) {
        problems.add("[" + i + "].name is required");
        continue;
      }
      String url = env.get(urlVariable(name));
      if (url == null || url.isBlank()) {
        problems.add(name + ": no webhook URL in " + urlVariable(name));
        continue;
      }
      try {
        Set<String> events = new HashSet<>();
        t.path("events").forEach(e -> events.add(e.asText()));
        String service = t.path("service").isTextual() ? t.path("service").asText() : null;
        targets.add(new ChatTarget(name, ChatTarget.Kind.parse(t.path("kind").asText("")),
            URI.create(url.trim()), events, service));
      } catch (IllegalArgumentException e) {
        problems.add(name + ": " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(TARGETS_ENV + ": " + String.join("; ", problems));
    }
    return List.copyOf(targets);
  }
}
