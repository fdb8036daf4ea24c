package dev.cgroupns.agent.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CgroupPathSyntaxTest {
  @Test
  void kubeletAndSystemdNamesAreAccepted() {
    assertThat(
            CgroupPathSyntax.segments(
                "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1a2b.slice"
                    + "/cri-containerd-0123abcd.scope",
                false))
        .hasSize(4);
    assertThat(CgroupPathSyntax.segments("/../../kubepods/pod-x", true)).hasSize(4);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/kubepods/caf\u00e9", "/kubepods/\u2028x", "/a/\ufffd"})
  void aPathOutsidePrintableAsciiIsRefusedRatherThanReEncoded(String path) {
    assertThatThrownBy(() -> CgroupPathSyntax.segments(path, true))
        .isInstanceOf(CgroupPathException.class)
        .hasMessageContaining("not plain ASCII")
        .hasMessageContaining("\\u");
    assertThat(CgroupPathSyntax.isPlainAscii(path)).isFalse();
  }

  @Test
  void bytesThatAreNotUtf8DecodeToAReplacementCharacterAndAreRefused() {
    byte[] latin1 = "/kubepods/caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
    String decoded = new String(latin1, StandardCharsets.UTF_8);

    assertThat(CgroupPathSyntax.isPlainAscii(decoded)).isFalse();
    assertThatThrownBy(() -> CgroupPathSyntax.segments(decoded, false))
        .hasMessageContaining("\\ufffd");
  }

  @Test
  void quotingEscapesControlAndNonAsciiCharactersAndCutsLongPaths() {
    assertThat(CgroupPathSyntax.quote("/a\nb\u00e9")).isEqualTo("'/a\\x0ab\\u00e9'");
    assertThat(CgroupPathSyntax.quote("/" + "x".repeat(400))).endsWith("...'").hasSize(305);
  }
}
