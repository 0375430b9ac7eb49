package dev.canaryrun.functions.chaos;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy in front of a cleartext gRPC server (the Firestore emulator, the local Cloud Run)
 * that faults the wire, seeded, so that the real Google client libraries meet real connection
 * errors rather than exceptions thrown at a port:
 *
 * <ul>
 *   <li>a cut: a request begins, its message never leaves, both sockets are reset (the client
 *       sees UNAVAILABLE; nothing was applied);
 *   <li>a lost reply: the request reaches the server whole, the server answers, the answer is
 *       swallowed and the connection reset (it was applied; the client never hears);
 *   <li>a delay: a request's or a reply's headers held back a while (the whole connection
 *       stalls behind them, as it would behind a slow TCP path).
 * </ul>
 *
 * Rates are per request (per reply for delays). gRPC multiplexes calls on one HTTP/2 connection,
 * so a fault fails every call in flight on it: the counters say connections cut, replies lost
 * and the calls that were in flight at those moments.
 */
final class WireFaults implements AutoCloseable {
  /** @param maxDelay a delay lasts between half of it and all of it */
  record Rates(double cut, double lostReply, double delay, Duration maxDelay) {
    static final Rates NONE = new Rates(0, 0, 0, Duration.ZERO);

    /** One rate for all three faults, delays of up to 50 ms. */
    static Rates of(double p) {
      return new Rates(p, p, p, Duration.ofMillis(50));
    }
  }

  enum Fault { CUT, LOST_REPLY, DELAY }

  /** A doomed connection whose answer never comes is cut anyway after this. */
  private static final Duration LOST_REPLY_WAIT = Duration.ofSeconds(5);

  final AtomicLong connections = new AtomicLong();
  final AtomicLong cuts = new AtomicLong();
  final AtomicLong lostReplies = new AtomicLong();
  final AtomicLong callsCut = new AtomicLong();
  final AtomicLong delays = new AtomicLong();

  private final String name;
  private final InetSocketAddress target;
  private final Rates rates;
  private final SplittableRandom random;
  private final AtomicBoolean on = new AtomicBoolean(true);
  private final ServerSocket listener;
  private final Set<WireLink> links = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer;
  private final Thread acceptor;

  private WireFaults(String name, InetSocketAddress target, long seed, Rates rates)
      throws IOException {
    this.name = name;
    this.target = target;
    this.rates = rates;
    this.random = new SplittableRandom(seed);
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, name + "-timer");
      t.setDaemon(true);
      return t;
    });
    this.acceptor = new Thread(this::accept, name + "-accept");
    acceptor.setDaemon(true);
  }

  /** @param target host:port of the server behind the proxy */
  static WireFaults start(String name, String target, long seed, Rates rates) {
    Objects.requireNonNull(rates, "rates");
    int colon = target.lastIndexOf(':');
    InetSocketAddress address = new InetSocketAddress(target.substring(0, colon),
        Integer.parseInt(target.substring(colon + 1)));
    try {
      WireFaults proxy = new WireFaults(name, address, seed, rates);
      proxy.acceptor.start();
      return proxy;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot listen for the " + name + " proxy", e);
    }
  }

  /** {@code 127.0.0.1:port}: what the clients dial instead of the target. */
  String endpoint() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  /** Stops injecting: connections alive now and later pass everything. */
  void off() {
    on.set(false);
  }

  long injected() {
    return cuts.get() + lostReplies.get();
  }

  private void accept() {
    int n = 0;
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      connections.incrementAndGet();
      Socket upstream = new Socket();
      try {
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        upstream.connect(target, 5_000);
      } catch (IOException e) {
        close(client); // the target is down: the client sees its connection refused, in effect
        close(upstream);
        continue;
      }
      WireLink link = new WireLink(this, client, upstream, name + "-" + (++n));
      links.add(link);
      links.removeIf(WireLink::closed); // forget the dead, or a long run keeps them all
      link.start();
    }
  }

  /** Whether this request gets the fault (never once {@link #off()}). */
  boolean roll(Fault fault) {
    double p = switch (fault) {
      case CUT -> rates.cut();
      case LOST_REPLY -> rates.lostReply();
      case DELAY -> rates.delay();
    };
    if (p <= 0 || !on.get()) {
      return false;
    }
    synchronized (random) {
      return random.nextDouble() < p;
    }
  }

  /** Holds the calling pump (so the whole connection) for a while, at the delay rate. */
  void maybeDelay() throws InterruptedIOException {
    if (!roll(Fault.DELAY)) {
      return;
    }
    long max = rates.maxDelay().toMillis();
    long millis;
    synchronized (random) {
      millis = max / 2 + random.nextLong(max / 2 + 1);
    }
    delays.incrementAndGet();
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("proxy closing");
    }
  }

  /**
   * Bounds how long a doomed connection waits for the answer it will swallow; one cut then
   * counts as a cut, not a lost reply (nobody saw the server answer).
   */
  void cutLater(WireLink link) {
    timer.schedule(() -> {
      if (link.cut()) {
        cuts.incrementAndGet();
      }
    }, LOST_REPLY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops listening, cuts what is still open and waits for the pumps to end. */
  @Override
  public void close() throws InterruptedException {
    on.set(false);
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    acceptor.join(5_000);
    timer.shutdownNow();
    for (WireLink link : links) {
      link.close();
    }
    for (WireLink link : links) {
      link.join(5_000);
    }
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // nothing to release
    }
  }

  @Override
  public String toString() {
    return name + " " + endpoint() + " -> " + target;
  }
}
