package dev.cgroupns.nri.wire;

import dev.cgroupns.nri.wire.WireException.Reason;
import java.nio.ByteBuffer;

/**
 * Reassembles ttrpc messages from one connection's bytes, in any chunking. The length in a header
 * is checked against ttrpc's 4 MiB limit before the data buffer is allocated, so no peer makes us
 * allocate more than that per connection.
 */
public final class TtrpcDecoder {

  /** Receives each complete message. */
  public interface Sink {
    void message(Ttrpc.Message message) throws WireException;
  }

  private final ByteBuffer header = ByteBuffer.allocate(Ttrpc.HEADER_LENGTH);
  private byte[] data;
  private int filled;

  public void feed(ByteBuffer in, Sink sink) throws WireException {
    while (in.hasRemaining()) {
      if (data == null) {
        while (header.hasRemaining() && in.hasRemaining()) {
          header.put(in.get());
        }
        if (header.hasRemaining()) {
          return;
        }
        startMessage();
      }
      int size = Math.min(data.length - filled, in.remaining());
      in.get(data, filled, size);
      filled += size;
      if (filled == data.length) {
        Ttrpc.Message message =
            new Ttrpc.Message(header.getInt(4), header.get(8), header.get(9), data);
        header.clear();
        data = null;
        sink.message(message);
      }
    }
  }

  /** The connection ended: a message cut short is a fault. */
  public void endOfStream() throws WireException {
    if (data != null) {
      throw new WireException(
          Reason.TRUNCATED,
          "stream ended " + (data.length - filled) + " bytes short of a ttrpc message");
    }
    if (header.position() > 0) {
      throw new WireException(Reason.TRUNCATED, "stream ended inside a ttrpc header");
    }
  }

  private void startMessage() throws WireException {
    long length = Integer.toUnsignedLong(header.getInt(0));
    byte type = header.get(8);
    if (length > Ttrpc.MAX_MESSAGE_LENGTH) {
      throw new WireException(
          Reason.OVERSIZED,
          "ttrpc message of " + length + " bytes, limit " + Ttrpc.MAX_MESSAGE_LENGTH);
    }
    if (type != Ttrpc.TYPE_REQUEST && type != Ttrpc.TYPE_RESPONSE && type != Ttrpc.TYPE_DATA) {
      throw new WireException(Reason.MALFORMED, "unknown ttrpc message type " + (type & 0xff));
    }
    data = new byte[(int) length];
    filled = 0;
    // A message with no data is complete with its header; the caller's loop needs no bytes more.
  }
}
