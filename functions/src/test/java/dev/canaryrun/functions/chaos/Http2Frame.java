package dev.canaryrun.functions.chaos;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * One HTTP/2 frame as it crosses {@link WireFaults}: the proxy reads whole frames (9-byte
 * header, then the payload) so that it can fault a request or a reply rather than an arbitrary
 * slice of bytes, and forwards them unchanged. Nothing is decoded beyond the header: HPACK
 * state lives in the endpoints, and a proxy that only drops or passes whole frames never
 * disturbs it (a cut connection takes its HPACK tables with it).
 */
record Http2Frame(byte[] header, byte[] payload) {
  static final int DATA = 0x0;
  static final int HEADERS = 0x1;
  static final int RST_STREAM = 0x3;
  static final int END_STREAM = 0x1;
  /** What a cleartext HTTP/2 client sends first ("prior knowledge", as gRPC plaintext does). */
  static final byte[] CLIENT_PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  /** Far above gRPC's default 16 KiB frames: a larger length means this is not HTTP/2. */
  private static final int MAX_LENGTH = 1 << 24;

  /** The next frame, or null at a clean end of stream (the peer closed between frames). */
  static Http2Frame read(InputStream in) throws IOException {
    byte[] header = in.readNBytes(9);
    if (header.length == 0) {
      return null;
    }
    if (header.length < 9) {
      throw new EOFException("connection closed inside a frame header");
    }
    int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
    if (length >= MAX_LENGTH) {
      throw new IOException("not an HTTP/2 frame (length " + length + ")");
    }
    byte[] payload = in.readNBytes(length);
    if (payload.length < length) {
      throw new EOFException("connection closed inside a frame");
    }
    return new Http2Frame(header, payload);
  }

  /** Reads the client preface; false when the bytes are something else (then not HTTP/2). */
  static boolean readPreface(InputStream in, OutputStream forward) throws IOException {
    byte[] got = in.readNBytes(CLIENT_PREFACE.length);
    forward.write(got);
    return Arrays.equals(got, CLIENT_PREFACE);
  }

  void writeTo(OutputStream out) throws IOException {
    out.write(header);
    out.write(payload);
    out.flush();
  }

  int type() {
    return header[3] & 0xff;
  }

  int flags() {
    return header[4] & 0xff;
  }

  /** The stream the frame belongs to; 0 for the connection's own frames (SETTINGS, PING). */
  int stream() {
    return ((header[5] & 0x7f) << 24) | ((header[6] & 0xff) << 16) | ((header[7] & 0xff) << 8)
        | (header[8] & 0xff);
  }

  /**
   * Whether the frame carries an answer on its stream (headers, a message, a reset), as opposed
   * to flow control (WINDOW_UPDATE), which a server sends as soon as a request's bytes arrive.
   */
  boolean answers() {
    return type() == HEADERS || type() == DATA || type() == RST_STREAM;
  }

  /** The sender's last frame on its stream: the end of a request, or of a reply. */
  boolean endsStream() {
    return stream() != 0 && ((type() == DATA || type() == HEADERS)
        && (flags() & END_STREAM) != 0 || type() == RST_STREAM);
  }
}
