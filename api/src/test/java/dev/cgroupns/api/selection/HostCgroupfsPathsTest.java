package dev.cgroupns.api.selection;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostCgroupfsPathsTest {
  @Test
  void theCgroupfsItsContentsAndTheDirectoriesAboveItExposeIt() {
    assertThat(HostCgroupfsPaths.exposesHostCgroupfs("/sys/fs/cgroup")).isTrue();
    assertThat(HostCgroupfsPaths.exposesHostCgroupfs("/sys//fs/./cgroup/")).isTrue();
    assertThat(HostCgroupfsPaths.exposesHostCgroupfs("/sys/fs/cgroup/memory")).isTrue();
    assertThat(HostCgroupfsPaths.exposesHostCgroupfs("/sys")).isTrue();
    assertThat(HostCgroupfsPaths.exposesHostCgroupfs("/")).isTrue();
    assertThat(HostCgroupfsPaths.exposesHostCgroupfs("/sys/fs/cgroupx")).isFalse();
    assertThat(HostCgroupfsPaths.exposesHostCgroupfs("/var/log")).isFalse();
    assertThat(HostCgroupfsPaths.exposesHostCgroupfs("")).isFalse();
    assertThat(HostCgroupfsPaths.exposesHostCgroupfs(null)).isFalse();
  }

  @Test
  void onlyTheCgroupfsItselfIsTheCgroupfs() {
    assertThat(HostCgroupfsPaths.isHostCgroupfs("/sys/fs/cgroup/")).isTrue();
    assertThat(HostCgroupfsPaths.isHostCgroupfs("/sys/fs/x/../cgroup")).isTrue();
    assertThat(HostCgroupfsPaths.isHostCgroupfs("/sys/fs/cgroup/memory")).isFalse();
    assertThat(HostCgroupfsPaths.isHostCgroupfs("/sys")).isFalse();
  }
}
