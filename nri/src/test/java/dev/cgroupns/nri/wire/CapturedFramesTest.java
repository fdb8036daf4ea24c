package dev.cgroupns.nri.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.nri.NriServices;
import dev.cgroupns.nri.api.ConfigureRequest;
import dev.cgroupns.nri.api.CreateContainerRequest;
import dev.cgroupns.nri.api.Event;
import dev.cgroupns.nri.api.RegisterPluginRequest;
import dev.cgroupns.nri.api.StateChangeEvent;
import dev.cgroupns.nri.testing.CaptureGoFrames;
import dev.cgroupns.nri.testing.WireDecoding;
import dev.cgroupns.nri.testing.WireDecoding.Received;
import dev.cgroupns.nri.ttrpc.proto.Request;
import dev.cgroupns.nri.ttrpc.proto.Response;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The decoders against bytes captured between the Go runtime side of NRI (the nri module's own
 * code) and the test plugin, recorded by {@link CaptureGoFrames}.
 */
class CapturedFramesTest {

  private static byte[] fromRuntime() throws Exception {
    return Files.readAllBytes(CaptureGoFrames.FROM_RUNTIME);
  }

  private static byte[] fromPlugin() throws Exception {
    return Files.readAllBytes(CaptureGoFrames.FROM_PLUGIN);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 9, 4096, 1 << 16})
  void theRuntimesCallsDecodeInOrderInAnyChunking(int chunk) throws Exception {
    List<Received> received = WireDecoding.decode(fromRuntime(), chunk);

    List<String> calls = new ArrayList<>();
    for (Received r : received) {
      if (r.connectionId() == Mux.PLUGIN_SERVICE_CONNECTION) {
        assertThat(r.message().type()).isEqualTo(Ttrpc.TYPE_REQUEST);
        Request request = Request.parseFrom(r.message().data());
        assertThat(request.getService()).isEqualTo(NriServices.PLUGIN);
        assertThat(request.getTimeoutNano()).isPositive();
        calls.add(request.getMethod());
      } else {
        assertThat(r.message().type()).isEqualTo(Ttrpc.TYPE_RESPONSE);
        calls.add("answer " + Response.parseFrom(r.message().data()).getStatus().getCode());
      }
    }
    assertThat(calls)
        .startsWith(
            "answer 0", // to RegisterPlugin
            NriServices.CONFIGURE,
            NriServices.SYNCHRONIZE,
            NriServices.CREATE_CONTAINER)
        .containsSubsequence(
            NriServices.CREATE_CONTAINER,
            NriServices.CREATE_CONTAINER,
            NriServices.CREATE_CONTAINER,
            NriServices.CREATE_CONTAINER,
            NriServices.STATE_CHANGE);
  }

  @Test
  void theirPayloadsAreTheMessagesTheGoRuntimeSent() throws Exception {
    List<Request> requests = new ArrayList<>();
    for (Received r : WireDecoding.decode(fromRuntime(), 4096)) {
      if (r.connectionId() == Mux.PLUGIN_SERVICE_CONNECTION) {
        requests.add(Request.parseFrom(r.message().data()));
      }
    }
    ConfigureRequest configure = ConfigureRequest.parseFrom(requests.get(0).getPayload());
    assertThat(configure.getRuntimeName()).isEqualTo("go-nri-runtime");
    assertThat(configure.getRegistrationTimeout()).isEqualTo(5000);
    assertThat(configure.getRequestTimeout()).isEqualTo(2000);

    List<String> created = new ArrayList<>();
    int bigEnv = 0;
    for (Request request : requests) {
      if (request.getMethod().equals(NriServices.CREATE_CONTAINER)) {
        CreateContainerRequest create = CreateContainerRequest.parseFrom(request.getPayload());
        created.add(create.getContainer().getName());
        bigEnv = Math.max(bigEnv, create.getContainer().getEnvCount());
      }
      if (request.getMethod().equals(NriServices.STATE_CHANGE)) {
        StateChangeEvent event = StateChangeEvent.parseFrom(request.getPayload());
        assertThat(event.getEvent()).isEqualTo(Event.REMOVE_CONTAINER);
        assertThat(event.getContainer().getId()).isEqualTo("running");
      }
    }
    assertThat(created).containsSubsequence("target", "big", "refused", "other");
    assertThat(bigEnv).isEqualTo(2000);
  }

  @Test
  void theGoRuntimeWritesFramesOver4096BytesWhichWeAccept() throws Exception {
    assertThat(frameSizes(fromRuntime())).anyMatch(size -> size > Mux.MAX_WRITTEN_PAYLOAD);
  }

  @Test
  void whatThePluginSentStartsWithRegistrationAndKeepsFramesWithin4096Bytes() throws Exception {
    byte[] stream = fromPlugin();
    assertThat(frameSizes(stream)).allMatch(size -> size <= Mux.MAX_WRITTEN_PAYLOAD);

    Received first = WireDecoding.decode(stream, 4096).get(0);
    assertThat(first.connectionId()).isEqualTo(Mux.RUNTIME_SERVICE_CONNECTION);
    assertThat(first.message().streamId()).isEqualTo(1);
    Request register = Request.parseFrom(first.message().data());
    assertThat(register.getService()).isEqualTo(NriServices.RUNTIME);
    assertThat(register.getMethod()).isEqualTo(NriServices.REGISTER_PLUGIN);
    RegisterPluginRequest request = RegisterPluginRequest.parseFrom(register.getPayload());
    assertThat(request.getPluginName()).isEqualTo("capture");
    assertThat(request.getPluginIdx()).isEqualTo("30");
  }

  private static List<Integer> frameSizes(byte[] stream) {
    List<Integer> sizes = new ArrayList<>();
    ByteBuffer in = ByteBuffer.wrap(stream);
    while (in.hasRemaining()) {
      in.getInt();
      int size = in.getInt();
      sizes.add(size);
      in.position(in.position() + size);
    }
    return sizes;
  }
}
