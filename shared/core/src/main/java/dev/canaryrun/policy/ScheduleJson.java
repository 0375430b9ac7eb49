package dev.canaryrun.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The policy's {@code schedule}: release windows and freezes, as docs/CONTRACT.md gives them.
 * <pre>
 * "schedule": {
 *   "windows": [{"days": ["mon", "tue"], "from": "09:00", "to": "16:00",
 *                "timeZone": "Europe/Berlin"}],
 *   "freezes": [{"from": "2026-12-20T00:00:00Z", "to": "2027-01-04T00:00:00Z",
 *                "reason": "year-end freeze"}]}
 * </pre>
 */
final class ScheduleJson {
  static final Set<String> SCHEDULE = Set.of("windows", "freezes");
  static final Set<String> WINDOW = Set.of("days", "from", "to", "timeZone");
  static final Set<String> FREEZE = Set.of("from", "to", "reason");
  private static final Map<String, DayOfWeek> DAYS = Map.of("mon", DayOfWeek.MONDAY,
      "tue", DayOfWeek.TUESDAY, "wed", DayOfWeek.WEDNESDAY, "thu", DayOfWeek.THURSDAY,
      "fri", DayOfWeek.FRIDAY, "sat", DayOfWeek.SATURDAY, "sun", DayOfWeek.SUNDAY);

  private static final String RFC_3339 = "an RFC 3339 time like 2026-12-20T00:00:00Z";

  private ScheduleJson() {}

  static ReleaseSchedule parse(JsonNode s, List<String> problems) {
    if (s.isMissingNode() || s.isNull()) {
      return ReleaseSchedule.always();
    }
    if (!s.isObject()) {
      problems.add("schedule: must be a JSON object");
      return ReleaseSchedule.always();
    }
    unknown(s, SCHEDULE, "schedule", problems);
    List<ReleaseSchedule.Window> windows = new ArrayList<>();
    JsonNode ws = array(s, "windows", problems);
    for (int i = 0; i < ws.size(); i++) {
      JsonNode w = ws.get(i);
      String at = "schedule.windows[" + i + "]";
      unknown(w, WINDOW, at, problems);
      Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
      for (JsonNode d : w.path("days")) {
        DayOfWeek day = DAYS.get(d.asText("").toLowerCase(Locale.ROOT));
        if (day == null) {
          problems.add(at + ".days: '" + d.asText() + "' is not one of mon, tue, wed, thu, fri, "
              + "sat, sun");
        } else {
          days.add(day);
        }
      }
      LocalTime from = parsed(w, "from", "", at, LocalTime::parse, "a time of day like 09:00",
          problems);
      LocalTime to = parsed(w, "to", "", at, LocalTime::parse, "a time of day like 09:00",
          problems);
      ZoneId zone = parsed(w, "timeZone", "UTC", at, ZoneId::of,
          "a time zone like Europe/Berlin", problems);
      if (from != null && to != null && !from.isBefore(to)) {
        problems.add(at + ": from " + from + " must be before to " + to
            + " (a window does not span midnight: use two)");
      } else if (from != null && to != null && zone != null) {
        windows.add(new ReleaseSchedule.Window(days, from, to, zone));
      }
    }
    List<ReleaseSchedule.Freeze> freezes = new ArrayList<>();
    JsonNode fs = array(s, "freezes", problems);
    for (int i = 0; i < fs.size(); i++) {
      JsonNode f = fs.get(i);
      String at = "schedule.freezes[" + i + "]";
      unknown(f, FREEZE, at, problems);
      Instant from = parsed(f, "from", "", at, Instant::parse, RFC_3339, problems);
      Instant to = parsed(f, "to", "", at, Instant::parse, RFC_3339, problems);
      if (from != null && to != null) {
        freezes.add(new ReleaseSchedule.Freeze(from, to, f.path("reason").asText("")));
      }
    }
    // Windows that span midnight were reported above with their JSON index and left out, so
    // the record's own checks name freezes (kept in JSON order) and counts only.
    ReleaseSchedule schedule = new ReleaseSchedule(windows, freezes);
    schedule.validate(problems);
    return schedule;
  }

  static void write(ReleaseSchedule s, ObjectNode root) {
    if (!s.restricts()) {
      return;
    }
    ObjectNode out = root.putObject("schedule");
    ArrayNode windows = out.putArray("windows");
    for (ReleaseSchedule.Window w : s.windows()) {
      ObjectNode o = windows.addObject();
      ArrayNode days = o.putArray("days");
      w.days().stream().sorted().forEach(d -> days.add(d.name().substring(0, 3)
          .toLowerCase(Locale.ROOT)));
      o.put("from", w.from().toString()).put("to", w.to().toString())
          .put("timeZone", w.zone().getId());
    }
    ArrayNode freezes = out.putArray("freezes");
    for (ReleaseSchedule.Freeze f : s.freezes()) {
      freezes.addObject().put("from", f.from().toString()).put("to", f.to().toString())
          .put("reason", f.reason());
    }
  }

  private static JsonNode array(JsonNode s, String field, List<String> problems) {
    JsonNode v = s.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    }
    if (!v.isArray()) {
      problems.add("schedule." + field + ": must be an array");
      return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    }
    return v;
  }

  /** A field parsed by {@code parser}, or null with a problem naming it and its form. */
  private static <T> T parsed(JsonNode n, String field, String fallback, String at,
      Function<String, T> parser, String like, List<String> problems) {
    String v = n.path(field).asText(fallback);
    try {
      return parser.apply(v);
    } catch (DateTimeException e) {
      problems.add(at + "." + field + ": '" + v + "' is not " + like);
      return null;
    }
  }

  private static void unknown(JsonNode node, Set<String> known, String at,
      List<String> problems) {
    PolicyJson.unknown(node, known, at + ".", problems);
  }
}
