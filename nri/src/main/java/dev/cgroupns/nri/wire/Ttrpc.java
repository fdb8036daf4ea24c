package dev.cgroupns.nri.wire;

import java.nio.ByteBuffer;

/**
 * ttrpc's message framing on one connection: a 10-byte header (4-byte big-endian data length,
 * 4-byte big-endian stream id, 1-byte message type, 1-byte flags), then the data.
 */
public final class Ttrpc {

  public static final int HEADER_LENGTH = 10;

  /** ttrpc's own limit on the data of one message: 4 MiB. */
  public static final int MAX_MESSAGE_LENGTH = 4 << 20;

  public static final byte TYPE_REQUEST = 1;
  public static final byte TYPE_RESPONSE = 2;

  /** Stream data; only streaming calls use it, and NRI has none. */
  public static final byte TYPE_DATA = 3;

  private Ttrpc() {}

  /** One ttrpc message; {@code data} is owned by the message once built. */
  public record Message(int streamId, byte type, byte flags, byte[] data) {

    public Message {
      if (data.length > MAX_MESSAGE_LENGTH) {
        throw new IllegalArgumentException(
            "ttrpc message of " + data.length + " bytes exceeds " + MAX_MESSAGE_LENGTH);
      }
    }

    /** The header and data, ready to write or to hand to {@link Mux#encode}. */
    public ByteBuffer encode() {
      ByteBuffer out = ByteBuffer.allocate(HEADER_LENGTH + data.length);
      out.putInt(data.length).putInt(streamId).put(type).put(flags).put(data);
      return out.flip();
    }
  }
}
