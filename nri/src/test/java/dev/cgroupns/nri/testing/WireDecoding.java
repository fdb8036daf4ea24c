package dev.cgroupns.nri.testing;

import dev.cgroupns.nri.wire.Mux;
import dev.cgroupns.nri.wire.MuxDecoder;
import dev.cgroupns.nri.wire.Ttrpc;
import dev.cgroupns.nri.wire.TtrpcDecoder;
import dev.cgroupns.nri.wire.WireException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The trunk's decoding stack without a socket: multiplexer frames to ttrpc messages on connections
 * 1 and 2, fed in chunks of a chosen size. Also builds raw frames, for the hostile cases.
 */
public final class WireDecoding {

  /** A message and the connection it came on. */
  public record Received(int connectionId, Ttrpc.Message message) {}

  private final MuxDecoder mux =
      new MuxDecoder(
          id -> id == Mux.PLUGIN_SERVICE_CONNECTION || id == Mux.RUNTIME_SERVICE_CONNECTION);
  private final Map<Integer, TtrpcDecoder> connections =
      Map.of(
          Mux.PLUGIN_SERVICE_CONNECTION, new TtrpcDecoder(),
          Mux.RUNTIME_SERVICE_CONNECTION, new TtrpcDecoder());
  private final List<Received> received = new ArrayList<>();

  /** Decodes {@code stream} whole, fed {@code chunk} bytes at a time, up to its end. */
  public static List<Received> decode(byte[] stream, int chunk) throws WireException {
    WireDecoding decoding = new WireDecoding();
    decoding.feed(stream, chunk);
    decoding.end();
    return decoding.received;
  }

  public void feed(byte[] stream, int chunk) throws WireException {
    for (int at = 0; at < stream.length; at += chunk) {
      ByteBuffer in = ByteBuffer.wrap(stream, at, Math.min(chunk, stream.length - at));
      mux.feed(
          in,
          (id, payload) ->
              connections
                  .get(id)
                  .feed(payload, message -> received.add(new Received(id, message))));
    }
  }

  public void end() throws WireException {
    mux.endOfStream();
    for (TtrpcDecoder decoder : connections.values()) {
      decoder.endOfStream();
    }
  }

  public List<Received> received() {
    return received;
  }

  /** The bytes that carry {@code messages}, each on its connection, framed as the trunk writes. */
  public static byte[] encode(List<Received> messages) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Received r : messages) {
      ByteBuffer frames = Mux.encode(r.connectionId(), r.message().encode());
      out.write(frames.array(), frames.arrayOffset(), frames.remaining());
    }
    return out.toByteArray();
  }

  /** One raw multiplexer frame header, with any id and length. */
  public static byte[] muxHeader(int connectionId, int length) {
    return ByteBuffer.allocate(Mux.HEADER_LENGTH).putInt(connectionId).putInt(length).array();
  }

  /** One raw ttrpc header, with any length and type. */
  public static byte[] ttrpcHeader(int length, int streamId, int type, int flags) {
    return ByteBuffer.allocate(Ttrpc.HEADER_LENGTH)
        .putInt(length)
        .putInt(streamId)
        .put((byte) type)
        .put((byte) flags)
        .array();
  }

  /** {@code parts} one after the other. */
  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
