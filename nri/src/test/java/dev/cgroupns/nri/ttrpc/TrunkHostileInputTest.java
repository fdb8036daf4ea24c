package dev.cgroupns.nri.ttrpc;

import static dev.cgroupns.nri.testing.WireDecoding.concat;
import static dev.cgroupns.nri.testing.WireDecoding.muxHeader;
import static dev.cgroupns.nri.testing.WireDecoding.ttrpcHeader;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.nri.api.Empty;
import dev.cgroupns.nri.wire.Mux;
import dev.cgroupns.nri.wire.Ttrpc;
import dev.cgroupns.nri.wire.WireException;
import dev.cgroupns.nri.wire.WireException.Reason;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A trunk serving connections 1 and 2 on a real socket, fed hostile bytes by a raw peer: each case
 * closes the socket with a WireException naming the fault.
 */
class TrunkHostileInputTest {

  private Path directory;
  private ServerSocketChannel listener;
  private SocketChannel peer;
  private Trunk trunk;

  @BeforeEach
  void connect() throws Exception {
    directory = Files.createTempDirectory("nri");
    Path socket = directory.resolve("s.sock");
    listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    listener.bind(UnixDomainSocketAddress.of(socket));
    peer = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    trunk = new Trunk(listener.accept(), "hostile-test");
    TtrpcServer server = new TtrpcServer(Executors.newSingleThreadExecutor());
    server.register("svc", "Echo", Empty.parser(), (request, timeout) -> request);
    server.attach(trunk, Mux.PLUGIN_SERVICE_CONNECTION);
    new TtrpcClient().attach(trunk, Mux.RUNTIME_SERVICE_CONNECTION);
    trunk.start();
  }

  @AfterEach
  void close() throws Exception {
    trunk.close();
    peer.close();
    listener.close();
    Files.deleteIfExists(directory.resolve("s.sock"));
    Files.deleteIfExists(directory);
  }

  @Test
  void anOversizedFrameLength() throws Exception {
    sendAndExpect(muxHeader(1, Integer.MAX_VALUE), Reason.OVERSIZED);
  }

  @Test
  void anOversizedTtrpcLength() throws Exception {
    byte[] header = ttrpcHeader(64 << 20, 1, Ttrpc.TYPE_REQUEST, 0);
    sendAndExpect(concat(muxHeader(1, header.length), header), Reason.OVERSIZED);
  }

  @Test
  void anUnknownConnectionId() throws Exception {
    sendAndExpect(concat(muxHeader(7, 4), new byte[4]), Reason.UNKNOWN_CONNECTION);
  }

  @Test
  void aTruncatedFrame() throws Exception {
    peer.write(
        ByteBuffer.wrap(
            concat(muxHeader(1, 100), ttrpcHeader(90, 1, Ttrpc.TYPE_REQUEST, 0), new byte[10])));
    peer.shutdownOutput();
    assertClosedBy(Reason.TRUNCATED);
  }

  @Test
  void garbage() throws Exception {
    byte[] garbage = new byte[8192];
    new Random(1).nextBytes(garbage);
    garbage[3] = 9; // never a served connection id, whatever the seed
    sendAndExpect(garbage, Reason.UNKNOWN_CONNECTION);
  }

  @Test
  void anUndecodableRequestEnvelope() throws Exception {
    byte[] junk = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
    byte[] message = concat(ttrpcHeader(junk.length, 1, Ttrpc.TYPE_REQUEST, 0), junk);
    sendAndExpect(concat(muxHeader(1, message.length), message), Reason.MALFORMED);
  }

  @Test
  void aRequestOnAnEvenStream() throws Exception {
    byte[] message = ttrpcHeader(0, 2, Ttrpc.TYPE_REQUEST, 0);
    sendAndExpect(concat(muxHeader(1, message.length), message), Reason.MALFORMED);
  }

  @Test
  void aResponseToACallNeverMade() throws Exception {
    byte[] message = ttrpcHeader(0, 1, Ttrpc.TYPE_RESPONSE, 0);
    sendAndExpect(concat(muxHeader(2, message.length), message), Reason.MALFORMED);
  }

  @Test
  void aCleanEndOfStreamIsNoFault() throws Exception {
    peer.shutdownOutput();
    assertThat(trunk.closed().get(10, TimeUnit.SECONDS)).isEmpty();
  }

  private void sendAndExpect(byte[] bytes, Reason reason) throws Exception {
    peer.write(ByteBuffer.wrap(bytes));
    assertClosedBy(reason);
  }

  private void assertClosedBy(Reason reason) throws Exception {
    Optional<Throwable> cause = trunk.closed().get(10, TimeUnit.SECONDS);
    assertThat(cause)
        .get()
        .isInstanceOfSatisfying(WireException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    // The trunk closed its socket: the peer reads the end of the stream.
    ByteBuffer rest = ByteBuffer.allocate(64);
    int read;
    do {
      read = peer.read(rest.clear());
    } while (read > 0);
    assertThat(read).isEqualTo(-1);
  }
}
