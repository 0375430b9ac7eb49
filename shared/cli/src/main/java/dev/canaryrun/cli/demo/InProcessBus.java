package dev.canaryrun.cli.demo;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The stand-in for Pub/Sub when its emulator is not installed: one delivery thread per topic,
 * message ids counted per topic (like the emulator), redelivery with backoff when a handler
 * throws, and a dead letter (a callback) after {@link #MAX_DELIVERIES} attempts, like the
 * Terraform module's subscriptions.
 */
final class InProcessBus implements MessageBus {
  private static final Logger LOG = Logger.getLogger("canaryrun.demo.bus");
  static final int MAX_DELIVERIES = 5;

  private final String projectId;
  private final Clock clock;
  private final BiConsumer<BusMessage, Exception> deadLetter;
  private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> ids = new ConcurrentHashMap<>();

  private record Subscription(Handler handler, ScheduledExecutorService executor) {}

  InProcessBus(String projectId, Clock clock, BiConsumer<BusMessage, Exception> deadLetter) {
    this.projectId = projectId;
    this.clock = clock;
    this.deadLetter = deadLetter;
  }

  @Override
  public String describe() {
    return "in-process bus (no Pub/Sub emulator)";
  }

  @Override
  public String projectId() {
    return projectId;
  }

  @Override
  public String publish(String topic, byte[] data, Map<String, String> attributes) {
    String id = Long.toString(ids.computeIfAbsent(topic, t -> new AtomicLong()).incrementAndGet());
    Subscription s = subscriptions.get(topic);
    if (s != null) {
      deliver(s, new BusMessage(topic, Topics.subscription(topic), id, clock.instant(),
          data.clone(), attributes, 1), 0);
    }
    return id;
  }

  @Override
  public void subscribe(String topic, Handler handler) {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bus-" + topic);
      t.setDaemon(true);
      return t;
    });
    if (subscriptions.putIfAbsent(topic, new Subscription(handler, executor)) != null) {
      executor.shutdown();
      throw new IllegalStateException("topic " + topic + " already has a subscriber");
    }
  }

  private void deliver(Subscription s, BusMessage m, long delayMillis) {
    if (s.executor().isShutdown()) {
      return;
    }
    s.executor().schedule(() -> {
      try {
        s.handler().handle(m);
      } catch (Exception e) {
        LOG.log(Level.WARNING, "handler of " + m.topic() + " failed on message " + m.messageId()
            + " (delivery " + m.deliveryAttempt() + ")", e);
        if (m.deliveryAttempt() >= MAX_DELIVERIES) {
          deadLetter.accept(m, e);
        } else {
          // Pub/Sub's retry policy backs off between deliveries; 200 ms doubling is enough here.
          deliver(s, new BusMessage(m.topic(), m.subscription(), m.messageId(), m.publishTime(),
              m.data(), m.attributes(), m.deliveryAttempt() + 1),
              200L << (m.deliveryAttempt() - 1));
        }
      }
    }, delayMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    subscriptions.values().forEach(s -> s.executor().shutdownNow());
  }
}
