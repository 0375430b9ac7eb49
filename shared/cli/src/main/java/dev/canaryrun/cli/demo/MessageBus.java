package dev.canaryrun.cli.demo;

import java.util.Map;

/**
 * Pub/Sub as the demo needs it: publish to the canaryrun topics and deliver each topic's
 * messages to one handler. At-least-once like Pub/Sub: a handler that throws gets the message
 * again (a function that rethrows a transient failure relies on exactly that).
 */
interface MessageBus extends AutoCloseable {

  /** Handles one delivery; throwing nacks it (redelivery). */
  @FunctionalInterface
  interface Handler {
    void handle(BusMessage message) throws Exception;
  }

  /** A short description for the start-up banner. */
  String describe();

  String projectId();

  /** Publishes and waits until the bus accepted it; returns the message id. */
  String publish(String topic, byte[] data, Map<String, String> attributes);

  /** Starts delivering the topic's messages (published from now on) to {@code handler}. */
  void subscribe(String topic, Handler handler);

  @Override
  void close();
}
