package dev.canaryrun.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.canaryrun.policy.InconclusiveAction;
import dev.canaryrun.policy.RolloutPolicy;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * {@code ./canaryrun bench}: a seeded simulation of canary rollouts through the default policy,
 * judged side by side by canaryrun's judge, the classic threshold rule and the SPRT oracle.
 *
 * <pre>
 * --scenarios PATH...   scenario JSON files or folders (default: the shipped ones)
 * --runs N              runs per scenario (overrides the files)
 * --seed S              seed (default 1); results depend only on it, not on threads
 * --judges a,b,c        any of canaryrun, threshold, oracle (default all)
 * --json FILE           also write the rows as a JSON array
 * --on-inconclusive A   the policy's onInconclusive: promote (default), pause, rollback
 * </pre>
 */
public final class BenchMain {
  static final long DEFAULT_SEED = 1;

  /** Parsed command line. */
  record Options(List<Path> scenarios, Integer runs, long seed, List<JudgeKind> judges,
      Path json, InconclusiveAction onInconclusive) {
    Options(List<Path> scenarios, Integer runs, long seed, List<JudgeKind> judges, Path json) {
      this(scenarios, runs, seed, judges, json, RolloutPolicy.defaults().onInconclusive());
    }
  }

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    Options o;
    List<Scenario> scenarios;
    try {
      o = parse(args);
      if (o == null) {
        out.println(usage());
        return 0;
      }
      scenarios = o.scenarios().isEmpty() ? ScenarioLoader.defaults()
          : ScenarioLoader.load(o.scenarios());
    } catch (IllegalArgumentException | ScenarioLoader.InvalidScenarioException e) {
      err.println("canaryrun bench: " + e.getMessage());
      err.println(usage());
      return 2;
    }
    long started = System.nanoTime();
    List<Result> results = bench(scenarios, o);
    double seconds = (System.nanoTime() - started) / 1e9;
    out.print(table(results));
    long rollouts = results.stream().mapToLong(Result::runs).sum();
    out.printf(Locale.ROOT, "%n%d simulated rollouts, seed %d, %.1f s on %d cores%n", rollouts,
        o.seed(), seconds, Runtime.getRuntime().availableProcessors());
    if (o.json() != null) {
      try {
        writeJson(results, o.json());
      } catch (IOException e) {
        err.println("canaryrun bench: cannot write " + o.json() + ": " + e.getMessage());
        return 1;
      }
    }
    return 0;
  }

  static List<Result> bench(List<Scenario> scenarios, Options o) {
    RolloutPolicy d = RolloutPolicy.defaults();
    Simulator sim = new Simulator(new RolloutPolicy(d.steps(), d.judge(), d.metrics(),
        d.smokeCheck(), d.onNewBuild(), d.candidateTag(), o.onInconclusive()));
    List<Result> results = new ArrayList<>();
    ForkJoinPool pool = new ForkJoinPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
    try {
      for (Scenario sc0 : scenarios) {
        Scenario sc = o.runs() == null ? sc0 : sc0.withRuns(o.runs());
        long base = mix(o.seed() * 0x9E3779B97F4A7C15L + sc.name().hashCode());
        for (JudgeKind k : o.judges()) {
          // Seeded per (scenario, run), not per judge or thread: every judge sees the same
          // traffic until its decisions diverge, and results do not depend on scheduling.
          List<Simulator.Run> runs = pool.submit(() -> IntStream.range(0, sc.runs()).parallel()
              .mapToObj(i -> sim.run(sc, mix(base + i), k::create)).toList()).join();
          results.add(Result.of(k, sc, runs));
        }
      }
    } finally {
      pool.shutdown();
    }
    return results;
  }

  /** SplitMix64's finaliser: decorrelates neighbouring seeds. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static Options parse(String[] args) {
    List<Path> scenarios = new ArrayList<>();
    Integer runs = null;
    long seed = DEFAULT_SEED;
    List<JudgeKind> judges = List.of(JudgeKind.values());
    Path json = null;
    InconclusiveAction onInconclusive = RolloutPolicy.defaults().onInconclusive();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--help", "-h" -> {
          return null;
        }
        case "--scenarios" -> {
          while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
            scenarios.add(Path.of(args[++i]));
          }
          if (scenarios.isEmpty()) {
            throw new IllegalArgumentException("--scenarios needs at least one file or folder");
          }
        }
        case "--runs" -> {
          runs = (int) number(args, ++i, "--runs");
          if (runs < 1) {
            throw new IllegalArgumentException("--runs must be >= 1, got " + runs);
          }
        }
        case "--seed" -> seed = number(args, ++i, "--seed");
        case "--judges" -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("--judges needs a list, e.g. canaryrun,oracle");
          }
          List<JudgeKind> ks = new ArrayList<>();
          for (String s : args[++i].split(",")) {
            if (!s.isBlank()) {
              ks.add(JudgeKind.parse(s));
            }
          }
          if (ks.isEmpty()) {
            throw new IllegalArgumentException("--judges needs at least one judge");
          }
          judges = List.copyOf(ks);
        }
        case "--json" -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("--json needs a file");
          }
          json = Path.of(args[++i]);
        }
        case "--on-inconclusive" -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("--on-inconclusive needs promote, pause or rollback");
          }
          try {
            onInconclusive = InconclusiveAction.valueOf(args[++i].toUpperCase(Locale.ROOT));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--on-inconclusive: '" + args[i]
                + "' must be promote, pause or rollback");
          }
        }
        default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
      }
    }
    return new Options(scenarios, runs, seed, judges, json, onInconclusive);
  }

  private static long number(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a number");
    }
    try {
      return Long.parseLong(args[i]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " needs a whole number, got '" + args[i] + "'");
    }
  }

  static String usage() {
    return "usage: canaryrun bench [--scenarios PATH...] [--runs N] [--seed S] "
        + "[--judges canaryrun,threshold,oracle] [--json FILE] "
        + "[--on-inconclusive promote|pause|rollback]";
  }

  static String table(List<Result> results) {
    StringBuilder b = new StringBuilder();
    b.append("| scenario | expect | judge | runs | rollback | promote | paused "
        + "| TTD median (min) | TTD p95 (min) | TTP median (min) "
        + "| excess bad requests (median) | vs oracle |\n");
    b.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Result r : results) {
      b.append(String.format(Locale.ROOT,
          "| %s | %s | %s | %d | %.3f | %.3f | %.3f | %s | %s | %s | %s | %s |%n",
          r.scenario(), r.expect(), r.judge(), r.runs(), r.rollbackRate(), r.promoteRate(),
          r.undecidedRate(), minutes(r.ttdMedianMinutes()), minutes(r.ttdP95Minutes()),
          minutes(r.ttpMedianMinutes()),
          Double.isNaN(r.excessBadRequestsMedian()) ? "-"
              : String.format(Locale.ROOT, "%.0f", r.excessBadRequestsMedian()),
          versusOracle(r, results)));
    }
    return b.toString();
  }

  /**
   * A judge's median excess bad requests over the oracle's on the same scenario ("x1.3");
   * "-" for the oracle itself, for healthy canaries and where the oracle's is zero.
   */
  static String versusOracle(Result r, List<Result> all) {
    if (r.judge().equals(JudgeKind.ORACLE.label()) || r.expect().equals("promote")) {
      return "-";
    }
    for (Result o : all) {
      if (o.scenario().equals(r.scenario()) && o.judge().equals(JudgeKind.ORACLE.label())
          && o.excessBadRequestsMedian() > 0) {
        return String.format(Locale.ROOT, "x%.2f",
            r.excessBadRequestsMedian() / o.excessBadRequestsMedian());
      }
    }
    return "-";
  }

  private static String minutes(double m) {
    return Double.isNaN(m) ? "-" : String.format(Locale.ROOT, "%.0f", m);
  }

  static void writeJson(List<Result> results, Path file) throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ArrayNode arr = mapper.createArrayNode();
    for (Result r : results) {
      ObjectNode n = arr.addObject();
      n.put("judge", r.judge());
      n.put("scenario", r.scenario());
      n.put("runs", r.runs());
      n.put("expect", r.expect());
      put(n, "rollbackRate", r.rollbackRate());
      put(n, "promoteRate", r.promoteRate());
      put(n, "undecidedRate", r.undecidedRate());
      put(n, "ttdMedianMinutes", r.ttdMedianMinutes());
      put(n, "ttdP95Minutes", r.ttdP95Minutes());
      put(n, "excessBadRequestsMedian", r.excessBadRequestsMedian());
      put(n, "ttpMedianMinutes", r.ttpMedianMinutes());
    }
    mapper.writeValue(file.toFile(), arr);
  }

  private static void put(ObjectNode n, String k, double v) {
    if (Double.isNaN(v)) {
      n.putNull(k);
    } else {
      n.put(k, v);
    }
  }
}
