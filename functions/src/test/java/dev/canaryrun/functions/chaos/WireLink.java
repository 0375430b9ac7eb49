package dev.canaryrun.functions.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client connection through {@link WireFaults} and its own connection to the target, pumped
 * frame by frame by one thread per direction. Faults are decided on requests (a client HEADERS
 * frame opening a stream, a client frame ending one) and act on the whole connection, as they
 * do on a real network: every call multiplexed on it fails with it.
 */
final class WireLink {
  private final WireFaults proxy;
  private final Socket client;
  private final Socket upstream;
  /** Client streams opened and not yet ended by the server: the calls a cut fails. */
  private final Set<Integer> inFlight = ConcurrentHashMap.newKeySet();
  private final Set<Integer> replying = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  /**
   * The request whose reply is to be swallowed, or 0. Once set the connection is doomed: the
   * server answers into the void and the connection is cut when that answer arrives.
   */
  private volatile int doomed;
  private final Thread up;
  private final Thread down;

  WireLink(WireFaults proxy, Socket client, Socket upstream, String name) {
    this.proxy = proxy;
    this.client = client;
    this.upstream = upstream;
    this.up = new Thread(this::pumpUp, name + "-up");
    this.down = new Thread(this::pumpDown, name + "-down");
    up.setDaemon(true);
    down.setDaemon(true);
  }

  void start() {
    up.start();
    down.start();
  }

  /** Client to target: requests, where cuts and lost replies are decided. */
  private void pumpUp() {
    try {
      InputStream in = client.getInputStream();
      OutputStream out = upstream.getOutputStream();
      if (!Http2Frame.readPreface(in, out)) {
        return; // not cleartext HTTP/2: the proxy only knows gRPC's framing, so it refuses
      }
      for (Http2Frame f; (f = Http2Frame.read(in)) != null; ) {
        if (doomed != 0) {
          continue; // about to be cut: nothing more reaches the server on this connection
        }
        int stream = f.stream();
        if (f.type() == Http2Frame.HEADERS && stream != 0 && inFlight.add(stream)) {
          proxy.maybeDelay();
          if (proxy.roll(WireFaults.Fault.CUT)) {
            // In the middle of the request: the server sees it begin (unless the headers are
            // all of it), never its message, so it cannot have applied it.
            if ((f.flags() & Http2Frame.END_STREAM) == 0) {
              f.writeTo(out);
            }
            if (cut()) {
              proxy.cuts.incrementAndGet();
            }
            return;
          }
        }
        if (f.endsStream() && f.type() != Http2Frame.RST_STREAM
            && proxy.roll(WireFaults.Fault.LOST_REPLY)) {
          doomed = stream;
          proxy.cutLater(this);
        }
        f.writeTo(out);
        if (f.type() == Http2Frame.RST_STREAM) {
          inFlight.remove(stream); // the client cancelled the call
        }
      }
    } catch (IOException e) {
      // the connection broke or was cut: nothing to forward any more
    } finally {
      close();
    }
  }

  /** Target to client: replies, dropped once the connection is doomed. */
  private void pumpDown() {
    try {
      InputStream in = upstream.getInputStream();
      OutputStream out = client.getOutputStream();
      for (Http2Frame f; (f = Http2Frame.read(in)) != null; ) {
        int stream = f.stream();
        int lost = doomed;
        if (lost != 0) {
          if (stream == lost && f.answers()) {
            // The server answered the request: it saw it, and now the client never will.
            if (cut()) {
              proxy.lostReplies.incrementAndGet();
            }
            return;
          }
          continue;
        }
        if (f.type() == Http2Frame.HEADERS && stream != 0 && replying.add(stream)) {
          proxy.maybeDelay();
        }
        f.writeTo(out);
        if (f.endsStream()) {
          inFlight.remove(stream);
          replying.remove(stream);
        }
      }
    } catch (IOException e) {
      // the connection broke or was cut
    } finally {
      close();
    }
  }

  /**
   * Resets both sides (RST, not FIN): every call in flight fails, on both ends. False when the
   * connection had already ended.
   */
  boolean cut() {
    if (!closed.compareAndSet(false, true)) {
      return false;
    }
    proxy.callsCut.addAndGet(inFlight.size());
    reset(client);
    reset(upstream);
    return true;
  }

  /** Closes both sides in order (FIN): the end of a connection nobody faulted. */
  void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    quietly(client);
    quietly(upstream);
  }

  boolean closed() {
    return closed.get();
  }

  void join(long millis) throws InterruptedException {
    up.join(millis);
    down.join(millis);
  }

  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0); // close() then sends RST and discards unsent bytes
    } catch (IOException e) {
      // already closed
    }
    quietly(s);
  }

  private static void quietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }
}
