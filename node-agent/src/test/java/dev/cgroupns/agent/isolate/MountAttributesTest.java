package dev.cgroupns.agent.isolate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cgroupns.agent.cgroup.Hierarchy;
import dev.cgroupns.agent.kernel.Linux;
import java.util.List;
import java.util.Set;
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

  @Test
  void freshMountOptionsNameTheHierarchyExactly() {
    Hierarchy memory =
        new Hierarchy(4, false, Set.of("memory"), "/m", "/", List.of("rw", "memory"));
    Hierarchy cpu = new Hierarchy(2, false, Set.of("cpuacct", "cpu"), "/c", "/", List.of());
    Hierarchy systemd = new Hierarchy(1, false, Set.of("name=systemd"), "/s", "/", List.of());

    assertThat(FreshCgroupMount.options(memory))
        .containsExactly(new String[] {"source", "cgroup"}, new String[] {"memory", null});
    assertThat(FreshCgroupMount.options(cpu))
        .containsExactly(
            new String[] {"source", "cgroup"},
            new String[] {"cpu", null},
            new String[] {"cpuacct", null});
    assertThat(FreshCgroupMount.options(systemd))
        .containsExactly(
            new String[] {"source", "cgroup"},
            new String[] {"name", "systemd"},
            new String[] {"none", null});
  }

  @Test
  void oddControllerNamesAreNotPassedToTheKernel() {
    Hierarchy odd = new Hierarchy(4, false, Set.of("mem,ory"), "/m", "/", List.of());

    assertThatThrownBy(() -> FreshCgroupMount.options(odd))
        .hasMessageContaining("unexpected controller name");
  }
}
