package dev.canaryrun.gcp.logging;

import java.io.PrintStream;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Sends canaryrun's log records (logger {@code dev.canaryrun} and below) to stdout as Cloud
 * Logging JSON lines. Only canaryrun's own logger tree is touched: the Functions Framework
 * installs its own handler on the root logger for its lines, and replacing that would lose
 * its execution ids.
 */
public final class JsonLogging {
  public static final String LOGGER = "dev.canaryrun";
  // Held strongly: LogManager keeps loggers weakly, and a collected logger loses its handler.
  private static final Logger ROOT = Logger.getLogger(LOGGER);
  private static volatile boolean installed;

  private JsonLogging() {}

  /** Idempotent; safe to call from every function's static initialiser. */
  public static synchronized void install() {
    if (installed) {
      return;
    }
    install(System.out);
    installed = true;
  }

  /**
   * Replaces the JSON line handler of the canaryrun logger with one writing to {@code out}.
   * Other handlers (a test's capture) are left alone.
   */
  public static synchronized Handler install(PrintStream out) {
    for (Handler h : ROOT.getHandlers()) {
      if (h instanceof LineHandler) {
        ROOT.removeHandler(h);
      }
    }
    Handler handler = new LineHandler(out);
    ROOT.addHandler(handler);
    ROOT.setUseParentHandlers(false);
    ROOT.setLevel(Level.INFO);
    return handler;
  }

  /** Writes and flushes each record whole, so concurrent requests never interleave lines. */
  static final class LineHandler extends Handler {
    private final PrintStream out;

    LineHandler(PrintStream out) {
      this.out = out;
      setFormatter(new CloudLoggingFormatter());
      setLevel(Level.ALL);
    }

    @Override
    public void publish(LogRecord record) {
      if (!isLoggable(record)) {
        return;
      }
      String line = getFormatter().format(record);
      synchronized (out) {
        out.print(line);
        out.flush();
      }
    }

    @Override
    public void flush() {
      out.flush();
    }

    @Override
    public void close() {
      flush();
    }
  }
}
