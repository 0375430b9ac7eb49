package dev.canaryrun.gcp.notify;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One chat destination of lifecycle events: a Slack incoming webhook, a Google Chat space
 * webhook or a Microsoft Teams incoming webhook, for every service or one, for every event
 * type or a few.
 *
 * @param events event types to send (STARTED, ROLLED_BACK, ...); empty for all
 * @param service only this service's events; null for every service
 */
public record ChatTarget(String name, Kind kind, URI url, Set<String> events, String service) {
  public enum Kind {
    SLACK, GOOGLE_CHAT, TEAMS;

    public static Kind parse(String text) {
      return switch (text.toLowerCase(Locale.ROOT).replace('-', '_')) {
        case "slack" -> SLACK;
        case "google_chat", "googlechat", "chat" -> GOOGLE_CHAT;
        case "teams", "microsoft_teams", "msteams" -> TEAMS;
        default -> throw new IllegalArgumentException("unknown chat kind '" + text
            + "' (slack, google_chat or teams)");
      };
    }
  }

  public ChatTarget {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(url, "url");
    events = Set.copyOf(events);
  }

  public boolean wants(String type, String eventService) {
    return (events.isEmpty() || events.contains(type))
        && (service == null || service.equals(eventService));
  }
}
