package dev.cgroupns.nri.ttrpc;

import dev.cgroupns.nri.wire.Mux;
import dev.cgroupns.nri.wire.MuxDecoder;
import dev.cgroupns.nri.wire.Ttrpc;
import dev.cgroupns.nri.wire.TtrpcDecoder;
import dev.cgroupns.nri.wire.WireException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One multiplexed socket: a reader thread that turns its bytes into ttrpc messages for the endpoint
 * of each logical connection, and a writer that frames messages. Any fault, from the wire or from
 * an endpoint, closes the socket and every endpoint once, with the cause.
 */
public final class Trunk implements Closeable {

  /** One side of a ttrpc connection over this trunk. */
  public interface Endpoint {
    /** Called on the reader thread, in order; throwing closes the trunk. */
    void received(Ttrpc.Message message) throws WireException;

    /** The trunk closed; {@code cause} is empty for a clean end of stream or a local close. */
    void closed(Optional<Throwable> cause);
  }

  private static final int READ_BUFFER = 64 * 1024;

  private final SocketChannel channel;
  private final String name;
  private final Map<Integer, Endpoint> endpoints = new ConcurrentHashMap<>();
  private final Map<Integer, TtrpcDecoder> decoders = new ConcurrentHashMap<>();
  private final Object writeLock = new Object();
  private final CompletableFuture<Optional<Throwable>> closed = new CompletableFuture<>();

  /** {@code name} names the reader thread and appears in nothing else. */
  public Trunk(SocketChannel channel, String name) {
    this.channel = channel;
    this.name = name;
  }

  /** Serves {@code connectionId} with {@code endpoint}; only before {@link #start}. */
  public void attach(int connectionId, Endpoint endpoint) {
    if (connectionId == Mux.RESERVED_CONNECTION) {
      throw new IllegalArgumentException("connection id 0 is reserved");
    }
    endpoints.put(connectionId, endpoint);
    decoders.put(connectionId, new TtrpcDecoder());
  }

  public void start() {
    Thread reader = new Thread(this::readLoop, name);
    reader.setDaemon(true);
    reader.start();
  }

  /** Writes one message on {@code connectionId}; a write error closes the trunk. */
  public void send(int connectionId, Ttrpc.Message message) throws IOException {
    ByteBuffer frames = Mux.encode(connectionId, message.encode());
    try {
      synchronized (writeLock) {
        while (frames.hasRemaining()) {
          channel.write(frames);
        }
      }
    } catch (IOException e) {
      close(e);
      throw e;
    }
  }

  /** Completes once, when the trunk closes, with the cause if it was a fault. */
  public CompletableFuture<Optional<Throwable>> closed() {
    return closed;
  }

  @Override
  public void close() {
    close(null);
  }

  /** Closes the trunk for {@code cause} (null: a clean close). Only the first close counts. */
  public void close(Throwable cause) {
    if (!closed.complete(Optional.ofNullable(cause))) {
      return;
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // Closing is best effort; the endpoints learn of the close either way.
    }
    for (Endpoint endpoint : endpoints.values()) {
      endpoint.closed(Optional.ofNullable(cause));
    }
  }

  private void readLoop() {
    MuxDecoder mux = new MuxDecoder(endpoints::containsKey);
    MuxDecoder.Sink toConnections =
        (id, chunk) -> decoders.get(id).feed(chunk, endpoints.get(id)::received);
    ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER);
    try {
      while (channel.read(buffer.clear()) >= 0) {
        mux.feed(buffer.flip(), toConnections);
      }
      mux.endOfStream();
      for (TtrpcDecoder decoder : decoders.values()) {
        decoder.endOfStream();
      }
      close(null);
    } catch (ClosedChannelException e) {
      // Closed locally (or by a fault already recorded): the first close has the cause.
      close(null);
    } catch (IOException | RuntimeException e) {
      close(e);
    }
  }
}
