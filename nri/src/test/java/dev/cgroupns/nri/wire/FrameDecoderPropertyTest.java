package dev.cgroupns.nri.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.nri.testing.WireDecoding;
import dev.cgroupns.nri.testing.WireDecoding.Received;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The decoder over random, valid and mutated streams: valid streams round-trip in any chunking;
 * anything else ends in a WireException, never in another exception, and nothing decoded is over
 * the limits.
 */
class FrameDecoderPropertyTest {

  @Property(tries = 300)
  void validStreamsRoundTripInAnyChunking(
      @ForAll("messages") List<Received> sent, @ForAll @IntRange(min = 1, max = 9000) int chunk)
      throws Exception {
    List<Received> decoded = WireDecoding.decode(WireDecoding.encode(sent), chunk);

    assertThat(decoded).hasSameSizeAs(sent);
    for (int i = 0; i < sent.size(); i++) {
      assertThat(decoded.get(i).connectionId()).isEqualTo(sent.get(i).connectionId());
      assertThat(decoded.get(i).message().streamId()).isEqualTo(sent.get(i).message().streamId());
      assertThat(decoded.get(i).message().type()).isEqualTo(sent.get(i).message().type());
      assertThat(decoded.get(i).message().data()).isEqualTo(sent.get(i).message().data());
    }
  }

  @Property(tries = 1000)
  void randomBytesDecodeOrFailWithAWireException(
      @ForAll @Size(max = 20_000) byte[] garbage,
      @ForAll @IntRange(min = 1, max = 5000) int chunk) {
    assertDecodesOrFailsCleanly(garbage, chunk);
  }

  @Property(tries = 1000)
  void mutatedStreamsDecodeOrFailWithAWireException(
      @ForAll("messages") List<Received> sent,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int where,
      @ForAll byte value,
      @ForAll @IntRange(min = 0, max = 2) int mutation,
      @ForAll @IntRange(min = 1, max = 5000) int chunk) {
    byte[] stream = WireDecoding.encode(sent);
    int at = where % stream.length;
    byte[] mutated =
        switch (mutation) {
          case 0 -> {
            byte[] copy = stream.clone();
            copy[at] = value;
            yield copy;
          }
          case 1 -> java.util.Arrays.copyOf(stream, at);
          default ->
              WireDecoding.concat(
                  java.util.Arrays.copyOf(stream, at),
                  new byte[] {value},
                  java.util.Arrays.copyOfRange(stream, at, stream.length));
        };
    assertDecodesOrFailsCleanly(mutated, chunk);
  }

  private static void assertDecodesOrFailsCleanly(byte[] stream, int chunk) {
    try {
      for (Received r : WireDecoding.decode(stream, chunk)) {
        assertThat(r.message().data().length).isLessThanOrEqualTo(Ttrpc.MAX_MESSAGE_LENGTH);
        assertThat(r.message().data().length).isLessThanOrEqualTo(stream.length);
      }
    } catch (WireException expected) {
      assertThat(expected.reason()).isNotNull();
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Provide
  Arbitrary<List<Received>> messages() {
    Arbitrary<Received> message =
        Combinators.combine(
                Arbitraries.of(Mux.PLUGIN_SERVICE_CONNECTION, Mux.RUNTIME_SERVICE_CONNECTION),
                Arbitraries.integers(),
                Arbitraries.of(Ttrpc.TYPE_REQUEST, Ttrpc.TYPE_RESPONSE, Ttrpc.TYPE_DATA),
                Arbitraries.bytes(),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(10_000))
            .as(
                (connection, stream, type, flags, data) ->
                    new Received(connection, new Ttrpc.Message(stream, type, flags, data)));
    return message.list().ofMinSize(1).ofMaxSize(6);
  }
}
