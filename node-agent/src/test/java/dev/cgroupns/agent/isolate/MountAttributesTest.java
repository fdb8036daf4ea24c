package dev.cgroupns.agent.isolate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.kernel.Linux;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountAttributesTest {
  @Test
  void isolatedMountsAreNosuidNodevNoexecAndReadOnlyByDefault() {
    assertThat(MountAttributes.isolated(true))
        .isEqualTo(
            Linux.MOUNT_ATTR_RDONLY
                | Linux.MOUNT_ATTR_NOSUID
                | Linux.MOUNT_ATTR_NODEV
                | Linux.MOUNT_ATTR_NOEXEC);
    assertThat(MountAttributes.isolated(false) & Linux.MOUNT_ATTR_RDONLY).isZero();
  }

  @Test
  void optionsFromMountinfoBecomeAttributes() {
    assertThat(MountAttributes.fromOptions(List.of("ro", "nosuid", "nodev", "noexec", "relatime")))
        .isEqualTo(MountAttributes.isolated(true));
    assertThat(MountAttributes.fromOptions(List.of("rw", "noatime")))
        .isEqualTo(Linux.MOUNT_ATTR_NOATIME);
    assertThat(MountAttributes.fromOptions(List.of("rw", "weird"))).isZero();
  }
}
