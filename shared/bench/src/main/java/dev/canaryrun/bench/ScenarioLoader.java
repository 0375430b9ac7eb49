package dev.canaryrun.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads scenario files strictly: unknown fields, wrong types and out-of-range values are
 * errors naming the file and the field, all of them at once, because users write these
 * files and a silently ignored typo ("errorrate") makes a benchmark lie.
 */
public final class ScenarioLoader {
  /** Lists the default scenarios shipped under {@code bench/} on the classpath. */
  public static final String DEFAULT_INDEX = "bench/index.txt";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> TOP = Set.of("name", "runs", "requestsPerSecond",
      "metricDelayMinutes", "stable", "canary", "incidents", "expect", "canaryReach", "late");
  private static final Set<String> LATE = Set.of("share", "minMinutes", "maxMinutes");
  private static final Set<String> REVISION = Set.of("errorRate", "latencyMedianMs",
      "latencySigma");
  private static final Set<String> INCIDENT = Set.of("fromMinute", "toMinute", "affects",
      "errorRate", "latencyFactor");
  static final int DEFAULT_RUNS = 500;

  private ScenarioLoader() {}

  /** Thrown with every problem found, each naming the file and the field. */
  public static final class InvalidScenarioException extends RuntimeException {
    private final List<String> problems;

    public InvalidScenarioException(List<String> problems) {
      super(String.join("\n", problems));
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }

  /** Loads files and folders (every *.json inside, sorted by name). */
  public static List<Scenario> load(List<Path> paths) {
    List<Scenario> out = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          for (Path f : s.filter(x -> x.toString().endsWith(".json")).sorted().toList()) {
            parseInto(f.toString(), read(f), out, problems);
          }
        } catch (IOException e) {
          problems.add(p + ": cannot list folder: " + e.getMessage());
        }
      } else if (Files.isRegularFile(p)) {
        parseInto(p.toString(), read(p), out, problems);
      } else {
        problems.add(p + ": no such file or folder");
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidScenarioException(problems);
    }
    return out;
  }

  /** The scenarios shipped with canaryrun. */
  public static List<Scenario> defaults() {
    List<Scenario> out = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (String line : resource(DEFAULT_INDEX).split("\n")) {
      String name = line.strip();
      if (!name.isEmpty() && !name.startsWith("#")) {
        parseInto("classpath:bench/" + name, resource("bench/" + name), out, problems);
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidScenarioException(problems);
    }
    return out;
  }

  /** Parses one scenario document; {@code file} names it in messages. */
  public static Scenario parse(String file, String json) {
    List<Scenario> out = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    parseInto(file, json, out, problems);
    if (!problems.isEmpty()) {
      throw new InvalidScenarioException(problems);
    }
    return out.get(0);
  }

  private static void parseInto(String file, String json, List<Scenario> out,
      List<String> problems) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      problems.add(file + ": not valid JSON: " + e.getOriginalMessage());
      return;
    }
    if (root == null || !root.isObject()) {
      problems.add(file + ": must be a JSON object");
      return;
    }
    Fields f = new Fields(file, problems);
    f.unknown(root, TOP, "");
    String name = f.text(root, "name", true, null);
    if (name != null && name.isBlank()) {
      problems.add(file + ": name: must not be blank");
    }
    int runs = (int) f.number(root, "runs", false, DEFAULT_RUNS, 1, 1_000_000, true);
    double rps = f.number(root, "requestsPerSecond", true, 0, 1e-6, 100_000, false);
    int delay = (int) f.number(root, "metricDelayMinutes", false, 0, 0, 60, true);
    // Share of the canary's requests that reach its containers (and so request_count): the
    // rest are turned away before, e.g. at max instances.
    double reach = f.number(root, "canaryReach", false, 1.0, 0, 1, false);
    Scenario.Revision stable = revision(f, root, "stable");
    Scenario.Revision canary = revision(f, root, "canary");
    Scenario.Late late = late(f, root);
    List<Scenario.Incident> incidents = new ArrayList<>();
    JsonNode inc = root.get("incidents");
    if (inc != null && !inc.isNull()) {
      if (!inc.isArray()) {
        problems.add(file + ": incidents: must be an array");
      } else {
        for (int i = 0; i < inc.size(); i++) {
          Scenario.Incident x = incident(f, inc.get(i), "incidents[" + i + "]");
          if (x != null) {
            incidents.add(x);
          }
        }
      }
    }
    String expect = f.text(root, "expect", true, null);
    Scenario.Expect ex = null;
    if (expect != null) {
      try {
        ex = Scenario.Expect.valueOf(expect.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        problems.add(file + ": expect: '" + expect + "' must be rollback or promote");
      }
    }
    if (f.ok() && name != null && stable != null && canary != null && ex != null) {
      out.add(new Scenario(name, runs, rps, delay, stable, canary, incidents, ex, reach, late));
    }
  }

  private static Scenario.Late late(Fields f, JsonNode root) {
    JsonNode n = root.get("late");
    if (n == null || n.isNull()) {
      return Scenario.Late.NONE;
    }
    if (!n.isObject()) {
      f.problem("late", "must be an object");
      return Scenario.Late.NONE;
    }
    f.unknown(n, LATE, "late.");
    double share = f.number(n, "late.share", "share", true, 0, 0, 1, false);
    int min = (int) f.number(n, "late.minMinutes", "minMinutes", true, 0, 1, 60, true);
    int max = (int) f.number(n, "late.maxMinutes", "maxMinutes", true, 0, 1, 60, true);
    if (n.has("minMinutes") && n.has("maxMinutes") && max < min) {
      f.problem("late.maxMinutes", max + " must be >= minMinutes " + min);
    }
    return new Scenario.Late(share, min, max);
  }

  private static Scenario.Revision revision(Fields f, JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      f.problem(field, "is required");
      return null;
    }
    if (!n.isObject()) {
      f.problem(field, "must be an object");
      return null;
    }
    f.unknown(n, REVISION, field + ".");
    double err = f.number(n, field + ".errorRate", "errorRate", true, 0, 0, 1, false);
    double median = f.number(n, field + ".latencyMedianMs", "latencyMedianMs", true, 0, 0.01,
        1e6, false);
    double sigma = f.number(n, field + ".latencySigma", "latencySigma", true, 0, 0.001, 5, false);
    return new Scenario.Revision(err, median, sigma);
  }

  private static Scenario.Incident incident(Fields f, JsonNode n, String at) {
    if (n == null || !n.isObject()) {
      f.problem(at, "must be an object");
      return null;
    }
    f.unknown(n, INCIDENT, at + ".");
    int from = (int) f.number(n, at + ".fromMinute", "fromMinute", true, 0, 0, 10_000, true);
    int to = (int) f.number(n, at + ".toMinute", "toMinute", true, 0, 0, 10_000, true);
    if (n.has("fromMinute") && n.has("toMinute") && to < from) {
      f.problem(at + ".toMinute", to + " must be >= fromMinute " + from);
    }
    String affects = f.text(n, at + ".affects", "affects", true);
    Scenario.Affects a = null;
    if (affects != null) {
      try {
        a = Scenario.Affects.valueOf(affects.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        f.problem(at + ".affects", "'" + affects + "' must be both, canary or stable");
      }
    }
    double err = f.number(n, at + ".errorRate", "errorRate", false, Double.NaN, 0, 1, false);
    double factor = f.number(n, at + ".latencyFactor", "latencyFactor", false, 1.0, 0.01, 1000,
        false);
    if (!n.has("errorRate") && !n.has("latencyFactor")) {
      f.problem(at, "needs errorRate or latencyFactor (or both)");
    }
    return a == null ? null : new Scenario.Incident(from, to, a, err, factor);
  }

  /** Field readers that record problems instead of throwing, so all are reported at once. */
  private static final class Fields {
    private final String file;
    private final List<String> problems;
    private final int before;

    Fields(String file, List<String> problems) {
      this.file = file;
      this.problems = problems;
      this.before = problems.size();
    }

    boolean ok() {
      return problems.size() == before;
    }

    void problem(String field, String what) {
      problems.add(file + ": " + field + ": " + what);
    }

    void unknown(JsonNode n, Set<String> allowed, String prefix) {
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!allowed.contains(k)) {
          problem(prefix + k, "unknown field (allowed: " + String.join(", ",
              allowed.stream().sorted().toList()) + ")");
        }
      }
    }

    String text(JsonNode n, String field, boolean required, String dflt) {
      return text(n, field, field, required);
    }

    String text(JsonNode n, String path, String field, boolean required) {
      JsonNode v = n.get(field);
      if (v == null || v.isNull()) {
        if (required) {
          problem(path, "is required");
        }
        return null;
      }
      if (!v.isTextual()) {
        problem(path, "must be a string, got " + v);
        return null;
      }
      return v.asText();
    }

    double number(JsonNode n, String field, boolean required, double dflt, double min, double max,
        boolean integer) {
      return number(n, field, field, required, dflt, min, max, integer);
    }

    double number(JsonNode n, String path, String field, boolean required, double dflt,
        double min, double max, boolean integer) {
      JsonNode v = n.get(field);
      if (v == null || v.isNull()) {
        if (required) {
          problem(path, "is required");
        }
        return dflt;
      }
      if (!v.isNumber()) {
        problem(path, "must be a number, got " + v);
        return dflt;
      }
      if (integer && !v.canConvertToLong() || integer && v.asDouble() != Math.rint(v.asDouble())) {
        problem(path, "must be a whole number, got " + v);
        return dflt;
      }
      double d = v.asDouble();
      if (!(d >= min && d <= max)) {
        problem(path, v + " must be in [" + trim(min) + ", " + trim(max) + "]");
        return dflt;
      }
      return d;
    }

    private static String trim(double d) {
      return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read scenario " + p, e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = ScenarioLoader.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing classpath resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
