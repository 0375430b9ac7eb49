package dev.canaryrun.cli.demo;

import dev.canaryrun.gcp.logging.JsonLogging;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;

/**
 * Keeps the terminal for the live view: the functions' Cloud Logging JSON lines go to
 * {@code functions.log}; the demo's own diagnostics (a nacked delivery, say) and everything the
 * client libraries log (gRPC, Firestore, Pub/Sub) to {@code demo.log}; both in the demo's log
 * directory.
 */
final class DemoLogs implements AutoCloseable {
  // Held strongly: LogManager keeps loggers weakly, and a collected logger loses its level.
  private static final Logger DEMO = Logger.getLogger("canaryrun.demo");
  private final PrintStream functions;
  private final Handler libraries;
  private final Path dir;

  private DemoLogs(PrintStream functions, Handler libraries, Path dir) {
    this.functions = functions;
    this.libraries = libraries;
    this.dir = dir;
  }

  static DemoLogs redirect(Path dir) {
    try {
      Files.createDirectories(dir);
      PrintStream functions = new PrintStream(
          new FileOutputStream(dir.resolve("functions.log").toFile()), true,
          StandardCharsets.UTF_8);
      // install() first: it is idempotent and the functions call it from their static
      // initialisers, so a later call from them must find it done and leave our file in place.
      JsonLogging.install();
      JsonLogging.install(functions);
      Logger root = Logger.getLogger("");
      for (Handler h : root.getHandlers()) {
        root.removeHandler(h);
      }
      StreamHandler libraries = new StreamHandler(
          new FileOutputStream(dir.resolve("demo.log").toFile()), new SimpleFormatter()) {
        @Override
        public synchronized void publish(java.util.logging.LogRecord record) {
          super.publish(record);
          flush();
        }
      };
      libraries.setLevel(Level.ALL);
      root.addHandler(libraries);
      root.setLevel(Level.INFO);
      // Every delivery, to follow a message from topic to function when something is off.
      DEMO.setLevel(Level.FINE);
      return new DemoLogs(functions, libraries, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write logs under " + dir, e);
    }
  }

  Path dir() {
    return dir;
  }

  @Override
  public void close() {
    libraries.flush();
    functions.flush();
  }
}
