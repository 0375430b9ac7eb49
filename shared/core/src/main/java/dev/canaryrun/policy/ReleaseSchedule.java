package dev.canaryrun.policy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * When a rollout may move traffic up: release windows (days and hours in a time zone) and
 * freezes (periods with a reason). Outside a window, or inside a freeze, a rollout holds at
 * its step: it never goes up, it still rolls back on a failing verdict or an alert, and it
 * moves on at the next opening. No window means any time; an operator's promote is not held.
 *
 * <p>Hours are local to the window's zone, so "09:00-16:00 Europe/Berlin" stays 09:00-16:00
 * across a daylight-saving change. A window does not span midnight (two windows do).
 */
public record ReleaseSchedule(List<Window> windows, List<Freeze> freezes) {
  /** Stored in each rollout's policy snapshot: bounded with the document. */
  public static final int MAX_WINDOWS = 14;
  public static final int MAX_FREEZES = 50;
  public static final int MAX_REASON = 200;
  /** How far ahead {@link #nextOpening} looks for an opening (beyond any freeze's end). */
  static final int DAYS_AHEAD = 8;

  /**
   * Open on {@code days} (all days when empty) from {@code from} (inclusive) to {@code to}
   * (exclusive), local time in {@code zone}.
   */
  public record Window(Set<DayOfWeek> days, LocalTime from, LocalTime to, ZoneId zone) {
    public Window {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(zone, "zone");
      days = days.isEmpty() ? Set.copyOf(EnumSet.allOf(DayOfWeek.class)) : Set.copyOf(days);
    }

    boolean contains(Instant t) {
      ZonedDateTime local = t.atZone(zone);
      LocalTime time = local.toLocalTime();
      return days.contains(local.getDayOfWeek()) && !time.isBefore(from) && time.isBefore(to);
    }

    @Override
    public String toString() {
      String d = days.size() == 7 ? "every day" : String.join(",", new TreeSet<>(days).stream()
          .map(x -> x.name().substring(0, 3).toLowerCase(java.util.Locale.ROOT)).toList());
      return d + " " + from + "-" + to + " " + zone;
    }
  }

  /** No progress from {@code from} (inclusive) to {@code to} (exclusive). */
  public record Freeze(Instant from, Instant to, String reason) {
    public Freeze {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(reason, "reason");
    }

    boolean contains(Instant t) {
      return !t.isBefore(from) && t.isBefore(to);
    }
  }

  public ReleaseSchedule {
    windows = List.copyOf(windows);
    freezes = List.copyOf(freezes);
  }

  public static ReleaseSchedule always() {
    return new ReleaseSchedule(List.of(), List.of());
  }

  public boolean restricts() {
    return !windows.isEmpty() || !freezes.isEmpty();
  }

  /** Why traffic may not go up at {@code t}, naming the next opening; empty when it may. */
  public Optional<String> closedAt(Instant t) {
    String why = null;
    for (Freeze f : freezes) {
      if (f.contains(t)) {
        why = "inside the release freeze '" + f.reason() + "' (" + f.from() + " to " + f.to() + ")";
        break;
      }
    }
    if (why == null && !windows.isEmpty() && windows.stream().noneMatch(w -> w.contains(t))) {
      why = "outside the release windows (" + String.join("; ", windows.stream()
          .map(Window::toString).toList()) + ")";
    }
    if (why == null) {
      return Optional.empty();
    }
    return Optional.of(why + "; " + nextOpening(t).map(o -> "next opening " + o)
        .orElse("no opening within " + DAYS_AHEAD + " days"));
  }

  public boolean openAt(Instant t) {
    return freezes.stream().noneMatch(f -> f.contains(t))
        && (windows.isEmpty() || windows.stream().anyMatch(w -> w.contains(t)));
  }

  /**
   * The first instant at or after {@code t} when traffic may go up: openings happen only at a
   * window's start or a freeze's end, so those are the only candidates to try.
   */
  public Optional<Instant> nextOpening(Instant t) {
    // Look DAYS_AHEAD past now, and past the end of every freeze still to come.
    Instant horizon = t.plus(java.time.Duration.ofDays(DAYS_AHEAD));
    for (Freeze f : freezes) {
      Instant after = f.to().plus(java.time.Duration.ofDays(DAYS_AHEAD));
      if (f.to().isAfter(t) && after.isAfter(horizon)) {
        horizon = after;
      }
    }
    List<Instant> candidates = new ArrayList<>();
    candidates.add(t);
    freezes.forEach(f -> candidates.add(f.to()));
    for (Window w : windows) {
      LocalDate last = horizon.atZone(w.zone()).toLocalDate();
      for (LocalDate day = t.atZone(w.zone()).toLocalDate(); !day.isAfter(last);
          day = day.plusDays(1)) {
        candidates.add(day.atTime(w.from()).atZone(w.zone()).toInstant());
      }
    }
    Instant until = horizon;
    return candidates.stream().filter(c -> !c.isBefore(t) && !c.isAfter(until)).sorted()
        .filter(this::openAt).findFirst();
  }

  void validate(List<String> problems) {
    if (windows.size() > MAX_WINDOWS) {
      problems.add("schedule.windows: at most " + MAX_WINDOWS + ", got " + windows.size());
    }
    if (freezes.size() > MAX_FREEZES) {
      problems.add("schedule.freezes: at most " + MAX_FREEZES + ", got " + freezes.size());
    }
    for (int i = 0; i < windows.size(); i++) {
      Window w = windows.get(i);
      if (!w.from().isBefore(w.to())) {
        problems.add("schedule.windows[" + i + "]: from " + w.from() + " must be before to "
            + w.to() + " (a window does not span midnight: use two)");
      }
    }
    for (int i = 0; i < freezes.size(); i++) {
      Freeze f = freezes.get(i);
      if (!f.from().isBefore(f.to())) {
        problems.add("schedule.freezes[" + i + "]: from " + f.from() + " must be before to "
            + f.to());
      }
      if (f.reason().isBlank() || f.reason().length() > MAX_REASON) {
        problems.add("schedule.freezes[" + i + "].reason: 1 to " + MAX_REASON
            + " characters, got " + f.reason().length());
      }
    }
  }
}
