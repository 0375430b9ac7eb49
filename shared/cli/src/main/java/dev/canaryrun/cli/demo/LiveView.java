package dev.canaryrun.cli.demo;

import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.TrafficTargetStatus;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.local.LocalControlPlane;
import dev.canaryrun.local.RequestRecord;
import dev.canaryrun.rollout.Rollout;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One compact line per second while a release plays: elapsed time, release, phase, the split
 * Cloud Run actually serves, the last second's canary and stable requests as the router saw
 * them (count, 5xx rate, latency p50/p99), and the judge's last verdict from the rollout
 * document. Compact lines rather than one redrawn line, so the history stays readable in a
 * CI log or a pasted terminal.
 */
final class LiveView {
  private final PrintStream out;
  private final LocalControlPlane plane;
  private final String serviceName;
  private final Instant started;
  private final int width;

  LiveView(PrintStream out, LocalControlPlane plane, String serviceName, Instant started) {
    this.out = out;
    this.plane = plane;
    this.serviceName = serviceName;
    this.started = started;
    this.width = terminalWidth();
  }

  /** Per-revision figures of one window of routed requests. */
  record Window(long requests, long errors, double p50, double p99) {
    static Window of(List<RequestRecord> records) {
      List<Double> lat = new ArrayList<>(records.size());
      long errors = 0;
      for (RequestRecord r : records) {
        lat.add(r.latencyMs());
        if (r.statusCode() >= 500) {
          errors++;
        }
      }
      Collections.sort(lat);
      return new Window(records.size(), errors, quantile(lat, 0.5), quantile(lat, 0.99));
    }

    String render() {
      if (requests == 0) {
        return String.format(Locale.ROOT, "%4d rq", 0);
      }
      return String.format(Locale.ROOT, "%4d rq %5.1f%% 5xx p50 %3.0f p99 %4.0f ms", requests,
          100.0 * errors / requests, p50, p99);
    }

    private static double quantile(List<Double> sorted, double q) {
      if (sorted.isEmpty()) {
        return Double.NaN;
      }
      int i = (int) Math.ceil(q * sorted.size()) - 1;
      return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
  }

  /** The line for {@code now}; {@code rollout} empty until the build notification is handled. */
  String line(String version, Optional<Rollout> rollout, Instant now) {
    List<RequestRecord> last = plane.store().requests(now.minusSeconds(1), now);
    String candidate = rollout.map(Rollout::candidateRevision).orElse(null);
    // Across regions a revision has one name everywhere: count the rollout's region only.
    String region = rollout.map(Rollout::region).orElse(null);
    List<RequestRecord> canary = new ArrayList<>();
    List<RequestRecord> stable = new ArrayList<>();
    for (RequestRecord r : last) {
      if (region == null || r.resource().location().equals(region)) {
        (r.resource().revision().equals(candidate) ? canary : stable).add(r);
      }
    }
    int percent = servedPercent(candidate, region);
    String phase = rollout.map(LiveView::phase).orElse("BUILD");
    String verdict = rollout.map(Rollout::lastVerdict).map(LiveView::verdict).orElse("");
    String head = String.format(Locale.ROOT, "%4ds %-3s %-14s %3d%% | canary %s | stable %s",
        Duration.between(started, now).toSeconds(), version, phase, percent,
        Window.of(canary).render(), Window.of(stable).render());
    return fit(head + (verdict.isEmpty() ? "" : " | " + verdict));
  }

  int width() {
    return width;
  }

  void print(String line) {
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  /** The candidate's share in the traffic Cloud Run serves now (not the desired one). */
  private int servedPercent(String candidate, String region) {
    if (candidate == null) {
      return 0;
    }
    Optional<Service> s = plane.cloudRun().getService(region == null ? serviceName
        : serviceName.replaceFirst("/locations/[^/]+/", "/locations/" + region + "/"));
    int p = 0;
    for (TrafficTargetStatus t : s.map(Service::getTrafficStatusesList).orElse(List.of())) {
      if (t.getRevision().endsWith(candidate)) {
        p += t.getPercent();
      }
    }
    return p;
  }

  private static String phase(Rollout r) {
    return switch (r.state()) {
      case CANARY, PAUSED -> r.state() + " " + (r.stepIndex() + 1) + "/"
          + r.policy().steps().size();
      default -> r.state().name();
    };
  }

  private static String verdict(Verdict v) {
    return v.outcome() + ": " + v.summary();
  }

  private String fit(String s) {
    return s.length() <= width ? s : s.substring(0, Math.max(20, width - 1)) + "…";
  }

  private static int terminalWidth() {
    try {
      int c = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", ""));
      return Math.max(80, c);
    } catch (NumberFormatException e) {
      return 220;
    }
  }
}
