package dev.cgroupns.nri.ttrpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import dev.cgroupns.nri.ttrpc.proto.Status;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class RpcStatusTest {

  @Test
  void theMessageTravelsAsField2OfGoogleRpcStatus() throws Exception {
    // As a Go ttrpc server writes it: code = 1, message = 2.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeInt32(1, RpcStatus.NOT_FOUND);
    out.writeString(2, "no such container");
    out.flush();

    Status read = Status.parseFrom(bytes.toByteArray());
    assertThat(read.getCode()).isEqualTo(RpcStatus.NOT_FOUND);
    assertThat(RpcStatus.message(read)).isEqualTo("no such container");
    assertThat(RpcStatus.of(RpcStatus.NOT_FOUND, "no such container").toByteArray())
        .isEqualTo(bytes.toByteArray());
  }

  @Test
  void anOkStatusHasNoMessage() {
    assertThat(RpcStatus.message(RpcStatus.of(RpcStatus.OK, ""))).isEmpty();
    assertThat(RpcStatus.of(RpcStatus.OK, "").toByteArray()).isEmpty();
  }
}
