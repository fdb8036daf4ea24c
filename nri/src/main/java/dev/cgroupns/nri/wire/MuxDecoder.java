package dev.cgroupns.nri.wire;

import dev.cgroupns.nri.wire.WireException.Reason;
import java.nio.ByteBuffer;
import java.util.function.IntPredicate;

/**
 * Splits the bytes read from the trunk socket into per-connection payload, as they arrive. Bytes
 * can come in any chunking; payload is handed on in slices of the input, so a frame is never
 * buffered whole here. A frame's header is checked before any of its payload is accepted.
 */
public final class MuxDecoder {

  /** Receives payload bytes of one logical connection, in order. */
  public interface Sink {
    /** {@code chunk} is valid only during the call. */
    void payload(int connectionId, ByteBuffer chunk) throws WireException;
  }

  private final IntPredicate knownConnection;
  private final ByteBuffer header = ByteBuffer.allocate(Mux.HEADER_LENGTH);
  private int connectionId;
  private int remaining;
  private boolean inPayload;

  /** {@code knownConnection} says which connection ids this side serves; others are refused. */
  public MuxDecoder(IntPredicate knownConnection) {
    this.knownConnection = knownConnection;
  }

  /** Consumes all of {@code in}, handing complete or partial payload to {@code sink}. */
  public void feed(ByteBuffer in, Sink sink) throws WireException {
    while (in.hasRemaining()) {
      if (!inPayload) {
        readHeader(in);
        continue;
      }
      int size = Math.min(remaining, in.remaining());
      ByteBuffer chunk = in.slice(in.position(), size);
      in.position(in.position() + size);
      remaining -= size;
      inPayload = remaining > 0;
      sink.payload(connectionId, chunk);
    }
  }

  /** The stream ended: a frame cut short is a fault, a clean frame boundary is not. */
  public void endOfStream() throws WireException {
    if (inPayload || header.position() > 0) {
      throw new WireException(
          Reason.TRUNCATED,
          inPayload
              ? "stream ended "
                  + remaining
                  + " bytes short of a frame on connection "
                  + connectionId
              : "stream ended inside a frame header");
    }
  }

  private void readHeader(ByteBuffer in) throws WireException {
    while (header.hasRemaining() && in.hasRemaining()) {
      header.put(in.get());
    }
    if (header.hasRemaining()) {
      return;
    }
    int id = header.getInt(0);
    long length = Integer.toUnsignedLong(header.getInt(4));
    header.clear();
    if (id == Mux.RESERVED_CONNECTION || !knownConnection.test(id)) {
      throw new WireException(
          Reason.UNKNOWN_CONNECTION,
          "frame for connection id "
              + Integer.toUnsignedString(id)
              + (id == Mux.RESERVED_CONNECTION ? ", which is reserved" : ", which nobody serves"));
    }
    if (length > Mux.MAX_READ_PAYLOAD) {
      throw new WireException(
          Reason.OVERSIZED,
          "frame of " + length + " bytes on connection " + id + ", limit " + Mux.MAX_READ_PAYLOAD);
    }
    connectionId = id;
    remaining = (int) length;
    inPayload = remaining > 0;
  }
}
