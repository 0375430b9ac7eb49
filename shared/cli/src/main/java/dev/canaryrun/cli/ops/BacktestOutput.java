package dev.canaryrun.cli.ops;

import dev.canaryrun.backtest.Backtest;
import dev.canaryrun.backtest.ReplayResult;
import dev.canaryrun.backtest.Transition;
import dev.canaryrun.backtest.TransitionFinder;
import dev.canaryrun.judge.Check;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.policy.Step;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A backtest's report for people (a table, then each transition's evidence) and as JSON. */
final class BacktestOutput {
  private BacktestOutput() {}

  static List<String> text(String service, String where, Path policyFile, Backtest.Report r) {
    List<String> out = new ArrayList<>();
    out.add("Backtest of " + service + " (" + where + ") from " + Human.time(r.history().start())
        + " to " + Human.time(r.history().end()) + "; policy " + policyName(policyFile) + ": "
        + steps(r.policy()) + (r.policy().observeOnly() ? " (mode observe: replayed walking "
        + "its steps, as mode control would)" : ""));
    if (r.results().isEmpty()) {
      out.add("No transitions: no new revision started receiving traffic while another served.");
    } else {
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("#", "REGION", "STABLE -> CANDIDATE", "STARTED", "HISTORY", "VERDICT",
          "DECISION", "CANARY 5XX", "STABLE 5XX", "E-VALUE 5XX"));
      int i = 1;
      for (ReplayResult x : r.results()) {
        Map<String, Double> f = errors(x);
        rows.add(List.of(Integer.toString(i++), x.location(), x.transition().stable().revision()
            + " -> " + x.transition().candidate().revision(), Human.time(x.transition().start()),
            history(x.transition()), x.outcome().name() + (x.exposureOnly() ? " (exposure)" : ""),
            decision(x), rate(f, "canary"), rate(f, "stable"),
            f.containsKey("eFail") ? num(f.get("eFail")) + " / " + num(f.get("failThreshold"))
                : "-"));
      }
      out.addAll(Human.table(rows));
      out.add("");
      i = 1;
      for (ReplayResult x : r.results()) {
        out.add("#" + i++ + " " + x.location() + " " + x.transition().candidate().revision()
            + ": " + decision(x) + (x.at() == null ? "" : " (" + Human.time(x.at()) + ")")
            + ": " + x.message());
        out.add("   steps  " + walked(x));
        if (x.verdict() != null) {
          for (Check c : x.verdict().checks()) {
            out.add("   " + c.name() + "  " + c.outcome() + ": " + c.explanation());
          }
        }
        if (x.exposureOnly()) {
          out.add("   note   the FAIL is the exposure check's alone: the history served the "
              + "candidate under half the share this policy's step gives it; that is about the "
              + "history's split, not the revision");
        }
      }
    }
    for (TransitionFinder.Ignored g : r.ignored()) {
      out.add("ignored " + g.revision().location() + " " + g.revision().revision() + " at "
          + Human.time(g.at()) + ": " + g.reason());
    }
    return out;
  }

  static Map<String, Object> json(String service, String where, Path policyFile,
      Backtest.Report r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("service", service);
    m.put("scope", where);
    m.put("from", r.history().start().toString());
    m.put("to", r.history().end().toString());
    m.put("policy", policyName(policyFile));
    m.put("steps", steps(r.policy()));
    List<Object> transitions = new ArrayList<>();
    for (ReplayResult x : r.results()) {
      Map<String, Object> t = new LinkedHashMap<>();
      Transition tr = x.transition();
      t.put("region", x.location());
      t.put("stable", tr.stable().revision());
      t.put("candidate", tr.candidate().revision());
      t.put("start", tr.start().toString());
      t.put("historyEnd", tr.ended().name());
      t.put("historyEndAt", tr.end().toString());
      t.put("verdict", x.outcome().name());
      t.put("decision", x.call().name());
      t.put("minute", x.minute());
      t.put("at", x.at() == null ? null : x.at().toString());
      t.put("exposureOnly", x.exposureOnly());
      t.put("message", x.message());
      t.put("summary", x.verdict() == null ? null : x.verdict().summary());
      List<Object> steps = new ArrayList<>();
      x.steps().forEach(s -> steps.add(Map.of("percent", s.percent(), "from",
          s.from().toString())));
      t.put("steps", steps);
      List<Object> checks = new ArrayList<>();
      if (x.verdict() != null) {
        for (Check c : x.verdict().checks()) {
          Map<String, Object> cm = new LinkedHashMap<>();
          cm.put("name", c.name());
          cm.put("outcome", c.outcome().name());
          cm.put("explanation", c.explanation());
          Map<String, Object> figures = new LinkedHashMap<>();
          c.figures().forEach((k, v) -> figures.put(k, v.isNaN() || v.isInfinite() ? null : v));
          cm.put("figures", figures);
          checks.add(cm);
        }
      }
      t.put("checks", checks);
      transitions.add(t);
    }
    m.put("transitions", transitions);
    List<Object> ignored = new ArrayList<>();
    for (TransitionFinder.Ignored g : r.ignored()) {
      Map<String, Object> gm = new LinkedHashMap<>();
      gm.put("region", g.revision().location());
      gm.put("revision", g.revision().revision());
      gm.put("at", g.at().toString());
      gm.put("requests", g.requests());
      gm.put("reason", g.reason());
      ignored.add(gm);
    }
    m.put("ignored", ignored);
    return m;
  }

  private static String policyName(Path file) {
    return file == null ? "default" : file.toString();
  }

  private static String steps(RolloutPolicy p) {
    StringBuilder b = new StringBuilder();
    for (Step s : p.steps()) {
      b.append(s.percent()).append("% ").append(Human.duration(s.minDwell())).append("-")
          .append(Human.duration(s.maxDwell())).append(", ");
    }
    return b.append("then 100%").toString();
  }

  private static String history(Transition t) {
    String after = " after " + Human.duration(Duration.between(t.start(), t.end()));
    return switch (t.ended()) {
      case PROMOTED -> "promoted" + after;
      case ROLLED_BACK -> "rolled back" + after;
      case SUPERSEDED -> "superseded" + after;
      case STILL_SPLIT -> "still split" + after;
    };
  }

  private static String decision(ReplayResult x) {
    String what = x.call().name().toLowerCase(Locale.ROOT);
    return x.call() == ReplayResult.Call.UNDECIDED ? "undecided"
        : what + " at minute " + x.minute();
  }

  private static String walked(ReplayResult x) {
    StringBuilder b = new StringBuilder();
    for (ReplayResult.StepAt s : x.steps()) {
      if (b.length() > 0) {
        b.append(", ");
      }
      b.append(s.percent()).append("% from minute ")
          .append(Duration.between(x.transition().start(), s.from()).toMinutes());
    }
    return b.toString();
  }

  private static Map<String, Double> errors(ReplayResult x) {
    if (x.verdict() != null) {
      for (Check c : x.verdict().checks()) {
        if (c.name().equals("errors")) {
          return c.figures();
        }
      }
    }
    return Map.of();
  }

  private static String rate(Map<String, Double> f, String who) {
    Double e = f.get(who + "Errors");
    Double n = f.get(who + "Requests");
    if (e == null || n == null) {
      return "-";
    }
    return num(e) + "/" + num(n) + (n > 0 ? String.format(Locale.ROOT, " (%.2f%%)", 100 * e / n)
        : "");
  }

  private static String num(double v) {
    if (Double.isInfinite(v)) {
      return "inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e9) {
      return Long.toString((long) v);
    }
    return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v)
        : String.format(Locale.ROOT, "%.3g", v);
  }
}
