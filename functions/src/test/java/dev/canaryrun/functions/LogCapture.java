package dev.canaryrun.functions;

import dev.canaryrun.service.DecisionLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Captures canaryrun's log records (the structured ones DecisionLog writes) for assertions. */
final class LogCapture extends Handler implements AutoCloseable {
  private final Logger logger = Logger.getLogger(DecisionLog.LOGGER);
  private final List<LogRecord> records = new ArrayList<>();

  LogCapture() {
    setLevel(Level.ALL);
    logger.addHandler(this);
  }

  @Override
  public synchronized void publish(LogRecord record) {
    records.add(record);
  }

  synchronized List<LogRecord> records() {
    return List.copyOf(records);
  }

  synchronized List<LogRecord> at(Level level) {
    return records.stream().filter(r -> r.getLevel().equals(level)).toList();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> fields(LogRecord r) {
    return (Map<String, Object>) r.getParameters()[0];
  }

  synchronized void clear() {
    records.clear();
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
