package dev.canaryrun.judge;

/**
 * Short, stable number formatting for explanations. Not String.format: the benchmark builds
 * millions of verdicts and the explanations must not dominate its runtime.
 */
public final class Fmt {
  private Fmt() {}

  /** About three significant digits: 0.00412, 0.412, 4.12, 41.2, 412, 41200. */
  public static String num(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    double a = Math.abs(v);
    if (a == 0) {
      return "0";
    }
    if (a >= 1e9) {
      int exp = (int) Math.floor(Math.log10(a));
      return trim(v / Math.pow(10, exp), 100) + "e" + exp;
    }
    if (a >= 100) {
      return Long.toString(Math.round(v));
    }
    if (a >= 10) {
      return trim(v, 10);
    }
    if (a >= 1) {
      return trim(v, 100);
    }
    double scale = Math.pow(10, 2 - Math.floor(Math.log10(a)));
    return trim(v, scale);
  }

  /** A rate as a percentage: 0.00512 -> "0.512%". */
  public static String pct(double rate) {
    return Double.isNaN(rate) ? "n/a" : num(rate * 100) + "%";
  }

  /** e^log, capped so that a huge e-value prints as a number rather than infinity. */
  static double safeExp(double log) {
    return Math.exp(Math.min(log, 700));
  }

  private static String trim(double v, double scale) {
    double r = Math.round(v * scale) / scale;
    String s = Double.toString(r);
    if (s.contains("E")) {
      return s;
    }
    if (s.endsWith(".0")) {
      s = s.substring(0, s.length() - 2);
    }
    return s;
  }
}
