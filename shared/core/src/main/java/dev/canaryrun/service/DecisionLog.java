package dev.canaryrun.service;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Structured log lines through java.util.logging, so core stays free of logging frameworks:
 * the fields travel as the record's single parameter (a Map) and the functions' JSON formatter
 * turns them into Cloud Logging's jsonPayload (severity, message, rolloutId, service, eventId).
 */
public final class DecisionLog {
  public static final String LOGGER = "dev.canaryrun";
  private static final Logger LOG = Logger.getLogger(LOGGER);

  private DecisionLog() {}

  public static void info(String message, Object... keyValues) {
    log(Level.INFO, message, null, keyValues);
  }

  public static void warn(String message, Object... keyValues) {
    log(Level.WARNING, message, null, keyValues);
  }

  public static void error(String message, Throwable t, Object... keyValues) {
    log(Level.SEVERE, message, t, keyValues);
  }

  private static void log(Level level, String message, Throwable t, Object... keyValues) {
    if (!LOG.isLoggable(level)) {
      return;
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      if (keyValues[i + 1] != null) {
        fields.put(String.valueOf(keyValues[i]), keyValues[i + 1]);
      }
    }
    LogRecord rec = new LogRecord(level, message);
    rec.setLoggerName(LOGGER);
    rec.setParameters(new Object[] {fields});
    rec.setThrown(t);
    LOG.log(rec);
  }
}
