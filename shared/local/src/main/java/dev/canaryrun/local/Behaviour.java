package dev.canaryrun.local;

import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a local revision behaves when it serves HTTP: the fraction of requests answered with
 * 500, the latency distribution (log-normal around a median) and the CPU / memory
 * utilisation the emulated Cloud Monitoring reports for it.
 *
 * <p>The behaviour of a revision normally comes from its image reference (see
 * {@link #fromImage(String)} and the module README); tests and the demo can override it at
 * any time with {@link LocalCloudRun#setBehaviour(String, Behaviour)}.
 *
 * @param errorRate fraction of requests answered with HTTP 500, 0..1
 * @param latencyMedianMs median of the artificial latency added to each request; 0 adds none
 * @param latencySigma sigma of the log-normal latency (the spread); 0 makes latency constant
 * @param cpu CPU utilisation reported for the revision, 0..1
 * @param memory memory utilisation reported for the revision, 0..1
 */
public record Behaviour(double errorRate, double latencyMedianMs, double latencySigma,
                        double cpu, double memory) {

  public static final double DEFAULT_SIGMA = 0.25;
  public static final double DEFAULT_CPU = 0.30;
  public static final double DEFAULT_MEMORY = 0.40;

  // One option per '-'-separated token of the image tag, e.g. v3-err0.05-lat120ms-cpu0.9.
  private static final Pattern TOKEN =
      Pattern.compile("(err|lat|sigma|cpu|mem)(\\d+(?:\\.\\d+)?)(ms|pct)?");

  public Behaviour {
    requireFraction("errorRate", errorRate);
    requireFraction("cpu", cpu);
    requireFraction("memory", memory);
    if (!(latencyMedianMs >= 0) || Double.isInfinite(latencyMedianMs)) {
      throw new IllegalArgumentException("latencyMedianMs must be >= 0, got " + latencyMedianMs);
    }
    if (!(latencySigma >= 0) || latencySigma > 5) {
      throw new IllegalArgumentException("latencySigma must be in [0, 5], got " + latencySigma);
    }
  }

  /** Serves every request with 200, no added latency, moderate resource use. */
  public static Behaviour healthy() {
    return new Behaviour(0, 0, DEFAULT_SIGMA, DEFAULT_CPU, DEFAULT_MEMORY);
  }

  public Behaviour withErrorRate(double rate) {
    return new Behaviour(rate, latencyMedianMs, latencySigma, cpu, memory);
  }

  public Behaviour withLatency(double medianMs, double sigma) {
    return new Behaviour(errorRate, medianMs, sigma, cpu, memory);
  }

  public Behaviour withResources(double cpuLevel, double memoryLevel) {
    return new Behaviour(errorRate, latencyMedianMs, latencySigma, cpuLevel, memoryLevel);
  }

  /**
   * Reads the behaviour encoded in an image reference's tag: {@code
   * localhost/demo/checkout:v3-err0.05-lat120ms} gives 5% errors and a 120 ms median.
   * Tokens: {@code errF} (or {@code errNpct}), {@code latNms}, {@code sigmaF}, {@code cpuF},
   * {@code memF}; any other token (a version, say) is ignored, and so is a digest. An image
   * without a tag, or with no behaviour tokens, is healthy.
   */
  public static Behaviour fromImage(String image) {
    Behaviour b = healthy();
    if (image == null || image.isBlank()) {
      return b;
    }
    String ref = image;
    int at = ref.indexOf('@');
    if (at >= 0) {
      ref = ref.substring(0, at);
    }
    int slash = ref.lastIndexOf('/');
    int colon = ref.lastIndexOf(':');
    if (colon <= slash) {
      return b; // no tag (a colon before the last slash is a registry port)
    }
    String tag = ref.substring(colon + 1).toLowerCase(Locale.ROOT);
    double err = b.errorRate;
    double lat = b.latencyMedianMs;
    double sigma = b.latencySigma;
    double cpu = b.cpu;
    double mem = b.memory;
    for (String token : tag.split("[-_]")) {
      Matcher m = TOKEN.matcher(token);
      if (!m.matches()) {
        continue;
      }
      double value = Double.parseDouble(m.group(2));
      boolean pct = "pct".equals(m.group(3));
      switch (m.group(1)) {
        case "err" -> err = pct ? value / 100 : value;
        case "lat" -> lat = value;
        case "sigma" -> sigma = value;
        case "cpu" -> cpu = pct ? value / 100 : value;
        case "mem" -> mem = pct ? value / 100 : value;
        default -> throw new IllegalStateException(m.group(1));
      }
    }
    return new Behaviour(err, lat, sigma, cpu, mem);
  }

  /** Draws one request's added latency in milliseconds. */
  public double sampleLatencyMs(Random random) {
    if (latencyMedianMs == 0) {
      return 0;
    }
    return latencyMedianMs * Math.exp(latencySigma * random.nextGaussian());
  }

  /** Draws whether one request fails. */
  public boolean sampleError(Random random) {
    return errorRate > 0 && random.nextDouble() < errorRate;
  }

  private static void requireFraction(String name, double v) {
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], got " + v);
    }
  }
}
