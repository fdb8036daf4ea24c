package dev.cgroupns.agent.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class CgroupNamespaceTest {
  @Test
  void theSameInodeAsTheReferenceIsTheHostsAndAnotherIsPrivate() {
    assertThat(CgroupNamespace.of(Optional.of(4026531835L), Optional.of(4026531835L)))
        .isEqualTo(CgroupNamespace.HOST);
    assertThat(CgroupNamespace.of(Optional.of(4026532501L), Optional.of(4026531835L)))
        .isEqualTo(CgroupNamespace.PRIVATE);
  }

  @Test
  void eitherInodeMissingIsUnknownAndReportsNoFlag() {
    assertThat(CgroupNamespace.of(Optional.empty(), Optional.of(1L)))
        .isEqualTo(CgroupNamespace.UNKNOWN);
    assertThat(CgroupNamespace.of(Optional.of(1L), Optional.empty()))
        .isEqualTo(CgroupNamespace.UNKNOWN);
    assertThat(CgroupNamespace.UNKNOWN.asPrivateFlag()).isNull();
    assertThat(CgroupNamespace.PRIVATE.asPrivateFlag()).isTrue();
    assertThat(CgroupNamespace.HOST.asPrivateFlag()).isFalse();
  }
}
