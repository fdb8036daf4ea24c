package dev.cgroupns.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ContainerIdsTest {
  static final String ID = KubeletCgroupNamesTest.ID;

  @Test
  void validIdsPass() {
    assertThat(ContainerIds.requireContainerId(ID)).isEqualTo(ID);
    assertThat(ContainerIds.requirePodUid(KubeletCgroupNamesTest.UID))
        .isEqualTo(KubeletCgroupNamesTest.UID);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "abc",
        "3F5A8D2C9B7E4F1A6C0D8E2B5A9F7C3D1E6B4A8F2C0D9E7B5A3F1C8D6E4B2A09",
        "3f5a8d2c9b7e4f1a6c0d8e2b5a9f7c3d1e6b4a8f2c0d9e7b5a3f1c8d6e4b2a0",
        "3f5a8d2c9b7e4f1a6c0d8e2b5a9f7c3d1e6b4a8f2c0d9e7b5a3f1c8d6e4b2a090",
        "../../../../etc/passwd/3f5a8d2c9b7e4f1a6c0d8e2b5a9f7c3d1e6b4a8f2c",
        "3f5a8d2c9b7e4f1a6c0d8e2b5a9f7c3d1e6b4a8f2c0d9e7b5a3f1c8d6e4b2a0\n",
      })
  void badContainerIdsAreRefusedWithAClearMessage(String bad) {
    assertThatThrownBy(() -> ContainerIds.requireContainerId(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64 lowercase hex digits")
        .hasMessageNotContaining("\n");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "0D6F2B7E-4C1A-4E8B-9F3D-2A5C7E9B1D40",
        "0d6f2b7e_4c1a_4e8b_9f3d_2a5c7e9b1d40",
        "0d6f2b7e4c1a4e8b9f3d2a5c7e9b1d40",
        "0d6f2b7e-4c1a-4e8b-9f3d-2a5c7e9b1d4",
        "0d6f2b7e-4c1a-4e8b-9f3d-2a5c7e9b1d40/..",
      })
  void badPodUidsAreRefused(String bad) {
    assertThatThrownBy(() -> ContainerIds.requirePodUid(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pod UID");
  }

  @Test
  void nullsAreRefused() {
    assertThatThrownBy(() -> ContainerIds.requireContainerId(null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ContainerIds.requirePodUid(null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ContainerIds.parseStatusContainerId(null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({"containerd://, CONTAINERD", "cri-o://, CRIO", "docker://, DOCKER"})
  void statusContainerIds(String scheme, String runtime) {
    ParsedContainerId parsed = ContainerIds.parseStatusContainerId(scheme + ID);

    assertThat(parsed.runtime()).isEqualTo(ContainerRuntime.valueOf(runtime));
    assertThat(parsed.id()).isEqualTo(ID);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "rkt://" + KubeletCgroupNamesTest.ID,
        "containerd:/" + KubeletCgroupNamesTest.ID,
        KubeletCgroupNamesTest.ID,
        "containerd://",
        "containerd://" + KubeletCgroupNamesTest.ID + "/..",
        "CONTAINERD://" + KubeletCgroupNamesTest.ID,
        " containerd://" + KubeletCgroupNamesTest.ID,
      })
  void otherStatusIdsAreRefused(String bad) {
    assertThatThrownBy(() -> ContainerIds.parseStatusContainerId(bad))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hostileInputIsShortenedInMessages() {
    assertThatThrownBy(() -> ContainerIds.requireContainerId("x".repeat(100_000)))
        .hasMessageContaining("(100000 chars)")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
  }
}
