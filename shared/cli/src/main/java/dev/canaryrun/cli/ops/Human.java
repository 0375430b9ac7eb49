package dev.canaryrun.cli.ops;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Times, durations and tables for people. */
final class Human {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private Human() {}

  /** {@code 4.2s}, {@code 3m05s}, {@code 2h07m}, {@code 3d04h}. */
  static String duration(Duration d) {
    if (d == null) {
      return "-";
    }
    long ms = Math.max(0, d.toMillis());
    if (ms < 60_000) {
      return ms < 10_000 ? String.format("%.1fs", ms / 1000.0) : (ms / 1000) + "s";
    }
    long s = ms / 1000;
    if (s < 3600) {
      return String.format("%dm%02ds", s / 60, s % 60);
    }
    if (s < 86_400) {
      return String.format("%dh%02dm", s / 3600, s % 3600 / 60);
    }
    return String.format("%dd%02dh", s / 86_400, s % 86_400 / 3600);
  }

  static String time(Instant t) {
    return t == null ? "-" : TIME.format(t);
  }

  static String abbreviate(String s, int max) {
    if (s == null) {
      return "-";
    }
    return s.length() <= max ? s : s.substring(0, Math.max(0, max - 1)) + "…";
  }

  /** Left-aligned columns, each as wide as its widest cell; the last one is not padded. */
  static List<String> table(List<List<String>> rows) {
    int columns = rows.stream().mapToInt(List::size).max().orElse(0);
    int[] width = new int[columns];
    for (List<String> r : rows) {
      for (int i = 0; i < r.size(); i++) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    }
    List<String> out = new ArrayList<>();
    for (List<String> r : rows) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < r.size(); i++) {
        b.append(i == r.size() - 1 ? r.get(i) : String.format("%-" + width[i] + "s  ", r.get(i)));
      }
      out.add(b.toString().stripTrailing());
    }
    return out;
  }
}
