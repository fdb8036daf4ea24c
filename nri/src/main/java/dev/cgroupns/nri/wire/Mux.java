package dev.cgroupns.nri.wire;

import java.nio.ByteBuffer;

/**
 * The NRI connection multiplexer's framing: each frame is a 4-byte big-endian connection id, a
 * 4-byte big-endian payload length, then the payload. Several logical connections share one Unix
 * socket this way.
 */
public final class Mux {

  /** Connection id 0 is reserved by the protocol. */
  public static final int RESERVED_CONNECTION = 0;

  /** The plugin's own service, which the runtime calls. */
  public static final int PLUGIN_SERVICE_CONNECTION = 1;

  /** The runtime's service, which the plugin calls. */
  public static final int RUNTIME_SERVICE_CONNECTION = 2;

  public static final int HEADER_LENGTH = 8;

  /**
   * The largest payload we write in one frame. The Go side reads each connection through a
   * 4096-byte buffered reader and fails a read whose frame does not fit its buffer, so a message is
   * split into frames of at most this size, and no frame carries the end of one message and the
   * start of the next.
   */
  public static final int MAX_WRITTEN_PAYLOAD = 4096;

  /**
   * The largest payload we accept in one frame: one whole ttrpc message, which is what the Go
   * writer sends at most. Anything longer is refused before a byte of it is buffered.
   */
  public static final int MAX_READ_PAYLOAD = Ttrpc.HEADER_LENGTH + Ttrpc.MAX_MESSAGE_LENGTH;

  private Mux() {}

  /**
   * The frames that carry {@code message} on {@code connectionId}, in one buffer ready to write.
   */
  public static ByteBuffer encode(int connectionId, ByteBuffer message) {
    int length = message.remaining();
    int frames = Math.max(1, (length + MAX_WRITTEN_PAYLOAD - 1) / MAX_WRITTEN_PAYLOAD);
    ByteBuffer out = ByteBuffer.allocate(length + frames * HEADER_LENGTH);
    ByteBuffer rest = message.duplicate();
    do {
      int size = Math.min(MAX_WRITTEN_PAYLOAD, rest.remaining());
      out.putInt(connectionId).putInt(size);
      out.put(rest.slice(rest.position(), size));
      rest.position(rest.position() + size);
    } while (rest.hasRemaining());
    return out.flip();
  }
}
