package dev.cgroupns.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.proc.MountInfoParser;
import org.junit.jupiter.api.Test;

class ContainerStateTest {
  private static final String OWN = "/kubepods/besteffort/pod1234/abcd";
  private static final String SH = "/bin/sh\0-c\0cat /proc/self/cgroup; exec sleep 3600\0";

  private static String memory(int id, String root, String options) {
    return id
        + " 100 0:35 "
        + root
        + " /sys/fs/cgroup/memory "
        + options
        + " - cgroup cgroup rw,memory\n";
  }

  private static final String ROOT =
      "100 90 0:50 / / rw,relatime - overlay overlay rw,lowerdir=/l\n"
          + "101 100 0:51 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs rw\n"
          + "102 101 0:36 "
          + OWN
          + " /sys/fs/cgroup/cpu,cpuacct rw,nosuid - cgroup cgroup rw,cpu,cpuacct\n";

  @Test
  void aPrivilegedContainerAsTheRuntimeMadeItIsExposed() {
    assertThat(state(SH, ROOT + memory(103, OWN, "rw,nosuid"))).isEqualTo(ContainerState.EXPOSED);
  }

  @Test
  void aRemountReadOnlyOnTopIsolates() {
    String mounts = ROOT + memory(103, OWN, "rw,nosuid") + memory(140, OWN, "ro,nosuid");
    assertThat(state(SH, mounts)).isEqualTo(ContainerState.ISOLATED);
  }

  @Test
  void aReadOnlyMountOfAnotherCgroupIsNotIsolation() {
    assertThat(state(SH, ROOT + memory(103, "/", "ro,nosuid"))).isEqualTo(ContainerState.EXPOSED);
    assertThat(state(SH, ROOT + memory(103, "/kubepods", "ro"))).isEqualTo(ContainerState.EXPOSED);
  }

  @Test
  void onlyTheMountOnTopCounts() {
    String mounts = ROOT + memory(103, OWN, "ro,nosuid") + memory(140, "/", "rw,nosuid");
    assertThat(state(SH, mounts)).isEqualTo(ContainerState.EXPOSED);
  }

  @Test
  void withoutAMemoryMountTheContainerIsNotIsolated() {
    assertThat(state(SH, ROOT)).isEqualTo(ContainerState.EXPOSED);
  }

  @Test
  void runcsInitIsStillSettingUpWhateverItsMounts() {
    String init = "/usr/sbin/runc\0init\0";
    assertThat(ContainerState.isRuncInit(init)).isTrue();
    assertThat(state(init, ROOT + memory(103, "/", "rw"))).isEqualTo(ContainerState.SETTING_UP);
    assertThat(ContainerState.isRuncInit("runc\0init\0")).isTrue();
    assertThat(ContainerState.isRuncInit(SH)).isFalse();
    assertThat(ContainerState.isRuncInit("/bin/init\0")).isFalse();
  }

  @Test
  void theContainersInitIsPidOneOfItsNamespace() {
    assertThat(ContainerState.isNamespaceInit("Name:\tsh\nPid:\t4242\nNSpid:\t4242\t1\n")).isTrue();
    assertThat(ContainerState.isNamespaceInit("Name:\trunc:[1:CHILD]\nNSpid:\t4241\n")).isFalse();
    assertThat(ContainerState.isNamespaceInit("NSpid:\t4243\t7\n")).isFalse();
    assertThat(ContainerState.isNamespaceInit("Name:\tsh\n")).isFalse();
  }

  @Test
  void thePauseProgramIsTheSandbox() {
    assertThat(ContainerState.isPause("/pause\0")).isTrue();
    assertThat(ContainerState.isPause(SH)).isFalse();
    assertThat(ContainerState.isPause("")).isFalse();
  }

  private static ContainerState state(String cmdline, String mountinfo) {
    return ContainerState.of(cmdline, MountInfoParser.parse(mountinfo), OWN);
  }
}
