package dev.cgroupns.nri.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A Unix socket between a plugin and a runtime that passes one connection through unchanged and
 * records the bytes of each direction, for capturing what a real runtime sends.
 */
public final class RecordingProxy implements AutoCloseable {

  private final Path directory;
  private final ServerSocketChannel listener;
  private final Path upstream;
  private final ByteArrayOutputStream fromUpstream = new ByteArrayOutputStream();
  private final ByteArrayOutputStream toUpstream = new ByteArrayOutputStream();
  private final CountDownLatch done = new CountDownLatch(2);

  private RecordingProxy(Path upstream) throws IOException {
    this.upstream = upstream;
    this.directory = Files.createTempDirectory("nri");
    this.listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    listener.bind(UnixDomainSocketAddress.of(socket()));
    Thread accept = new Thread(this::serve, "recording-proxy");
    accept.setDaemon(true);
    accept.start();
  }

  /** A proxy to the runtime listening on {@code upstream}. */
  public static RecordingProxy to(Path upstream) throws IOException {
    return new RecordingProxy(upstream);
  }

  /** Where the plugin connects. */
  public Path socket() {
    return directory.resolve("proxy.sock");
  }

  /** Waits until both directions have ended. */
  public void awaitEnd() throws InterruptedException {
    if (!done.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the proxied connection did not end within 60 s");
    }
  }

  /** What the runtime sent. */
  public synchronized byte[] fromRuntime() {
    return fromUpstream.toByteArray();
  }

  /** What the plugin sent. */
  public synchronized byte[] fromPlugin() {
    return toUpstream.toByteArray();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    Files.deleteIfExists(socket());
    Files.deleteIfExists(directory);
  }

  private void serve() {
    try {
      SocketChannel plugin = listener.accept();
      SocketChannel runtime = SocketChannel.open(UnixDomainSocketAddress.of(upstream));
      pump(plugin, runtime, toUpstream);
      pump(runtime, plugin, fromUpstream);
    } catch (IOException e) {
      done.countDown();
      done.countDown();
    }
  }

  private void pump(SocketChannel from, SocketChannel to, ByteArrayOutputStream record) {
    Thread pump =
        new Thread(
            () -> {
              ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
              try {
                while (from.read(buffer.clear()) >= 0) {
                  buffer.flip();
                  synchronized (this) {
                    record.write(buffer.array(), 0, buffer.limit());
                  }
                  while (buffer.hasRemaining()) {
                    to.write(buffer);
                  }
                }
              } catch (IOException e) {
                // One side went away; the other direction ends too.
              } finally {
                try {
                  to.shutdownOutput();
                } catch (IOException ignored) {
                  // Already closed.
                }
                done.countDown();
              }
            },
            "recording-proxy-pump");
    pump.setDaemon(true);
    pump.start();
  }
}
