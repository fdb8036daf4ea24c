package dev.cgroupns.nri.wire;

import static dev.cgroupns.nri.testing.WireDecoding.concat;
import static dev.cgroupns.nri.testing.WireDecoding.muxHeader;
import static dev.cgroupns.nri.testing.WireDecoding.ttrpcHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cgroupns.nri.testing.WireDecoding;
import dev.cgroupns.nri.testing.WireDecoding.Received;
import dev.cgroupns.nri.wire.WireException.Reason;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MuxAndTtrpcCodecTest {

  private static Received message(int connection, int streamId, byte type, int size, int seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return new Received(connection, new Ttrpc.Message(streamId, type, (byte) 0, data));
  }

  private static void assertSame(List<Received> actual, List<Received> expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      Received a = actual.get(i);
      Received e = expected.get(i);
      assertThat(a.connectionId()).isEqualTo(e.connectionId());
      assertThat(a.message().streamId()).isEqualTo(e.message().streamId());
      assertThat(a.message().type()).isEqualTo(e.message().type());
      assertThat(a.message().flags()).isEqualTo(e.message().flags());
      assertThat(a.message().data()).isEqualTo(e.message().data());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 7, 10, 4096, 4104, 65536})
  void messagesOnBothConnectionsRoundTripInAnyChunking(int chunk) throws Exception {
    List<Received> sent =
        List.of(
            message(1, 1, Ttrpc.TYPE_REQUEST, 0, 1),
            message(2, 1, Ttrpc.TYPE_RESPONSE, 17, 2),
            message(1, 3, Ttrpc.TYPE_REQUEST, 4086, 3),
            message(2, 3, Ttrpc.TYPE_RESPONSE, 4087, 4),
            message(1, 5, Ttrpc.TYPE_REQUEST, 100_000, 5));

    assertSame(WireDecoding.decode(WireDecoding.encode(sent), chunk), sent);
  }

  @Test
  void largeMessagesAreSplitIntoFramesOfAtMost4096BytesThatNeverStraddleMessages() {
    Ttrpc.Message big = message(1, 1, Ttrpc.TYPE_REQUEST, 2 * 4096 - 10 + 1, 6).message();
    ByteBuffer frames = Mux.encode(1, big.encode());

    List<Integer> sizes = new ArrayList<>();
    while (frames.hasRemaining()) {
      assertThat(frames.getInt()).isEqualTo(1);
      int size = frames.getInt();
      sizes.add(size);
      frames.position(frames.position() + size);
    }
    assertThat(sizes).containsExactly(4096, 4096, 1);
  }

  @Test
  void aFullSizeMessageRoundTrips() throws Exception {
    List<Received> sent = List.of(message(2, 7, Ttrpc.TYPE_RESPONSE, Ttrpc.MAX_MESSAGE_LENGTH, 7));
    assertSame(WireDecoding.decode(WireDecoding.encode(sent), 1 << 16), sent);
  }

  @Test
  void aMessageOverFourMebibytesCannotBeBuilt() {
    assertThatThrownBy(
            () ->
                new Ttrpc.Message(
                    1, Ttrpc.TYPE_REQUEST, (byte) 0, new byte[Ttrpc.MAX_MESSAGE_LENGTH + 1]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anOversizedFrameIsRefusedFromItsHeaderAlone() {
    assertFault(muxHeader(1, Mux.MAX_READ_PAYLOAD + 1), Reason.OVERSIZED);
    assertFault(muxHeader(1, -1), Reason.OVERSIZED);
  }

  @Test
  void anOversizedTtrpcMessageIsRefusedFromItsHeaderAlone() {
    byte[] header = ttrpcHeader(Ttrpc.MAX_MESSAGE_LENGTH + 1, 1, Ttrpc.TYPE_REQUEST, 0);
    assertFault(concat(muxHeader(1, header.length), header), Reason.OVERSIZED);
    byte[] huge = ttrpcHeader(-1, 1, Ttrpc.TYPE_REQUEST, 0);
    assertFault(concat(muxHeader(1, huge.length), huge), Reason.OVERSIZED);
  }

  @Test
  void framesForUnknownOrReservedConnectionsAreRefused() {
    assertFault(concat(muxHeader(3, 1), new byte[] {0}), Reason.UNKNOWN_CONNECTION);
    assertFault(concat(muxHeader(0, 1), new byte[] {0}), Reason.UNKNOWN_CONNECTION);
    assertFault(muxHeader(-1, 0), Reason.UNKNOWN_CONNECTION);
  }

  @Test
  void anUnknownTtrpcMessageTypeIsRefused() {
    byte[] header = ttrpcHeader(0, 1, 9, 0);
    assertFault(concat(muxHeader(1, header.length), header), Reason.MALFORMED);
  }

  @Test
  void truncatedFramesAndMessagesAreFaultsAtTheEndOfTheStream() {
    byte[] whole = WireDecoding.encode(List.of(message(1, 1, Ttrpc.TYPE_REQUEST, 100, 8)));
    for (int cut : new int[] {3, 8, 12, 18, whole.length - 1}) {
      byte[] truncated = java.util.Arrays.copyOf(whole, cut);
      assertFault(truncated, Reason.TRUNCATED);
    }
    // A frame boundary inside a ttrpc message: the frame is whole, the message is not.
    byte[] partial = ttrpcHeader(50, 1, Ttrpc.TYPE_REQUEST, 0);
    assertFault(concat(muxHeader(1, partial.length), partial), Reason.TRUNCATED);
  }

  @Test
  void garbageIsRefusedWithoutReadingPastTheFirstBadHeader() {
    byte[] garbage = new byte[1 << 20];
    new Random(9).nextBytes(garbage);
    assertThatThrownBy(() -> WireDecoding.decode(garbage, 4096))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("connection id");
  }

  @Test
  void aCleanEndBetweenFramesIsNoFault() throws Exception {
    assertThat(WireDecoding.decode(new byte[0], 1)).isEmpty();
    assertThat(WireDecoding.decode(muxHeader(2, 0), 1)).isEmpty();
  }

  private static void assertFault(byte[] stream, Reason reason) {
    assertThatThrownBy(() -> WireDecoding.decode(stream, 5))
        .isInstanceOfSatisfying(WireException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
