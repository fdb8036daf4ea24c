package dev.cgroupns.e2e.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cgroupns.api.v1alpha1.CgroupPaths;
import dev.cgroupns.api.v1alpha1.MountView;
import dev.cgroupns.sandbox.demo.ContainerView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusViewsTest {

  @Test
  void mountPointListsExpandAsTheAgentCompactsThem() {
    assertThat(StatusViews.expandMountPoints("/sys/fs/cgroup/{cpu,memory},/sys/fs/cgroup/unified"))
        .containsExactly("/sys/fs/cgroup/cpu", "/sys/fs/cgroup/memory", "/sys/fs/cgroup/unified");
    assertThat(StatusViews.expandMountPoints("/sys/fs/cgroup")).containsExactly("/sys/fs/cgroup");
  }

  @Test
  void aCutListIsRefusedRatherThanHalfCompared() {
    assertThatThrownBy(() -> StatusViews.expandMountPoints("/sys/fs/cgroup/{cpu,mem..."))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void statusPathsWithoutHierarchiesStandForEveryHierarchy() {
    Map<String, String> seen =
        StatusViews.pathsByHierarchy(List.of("4:memory:/a", "1:cpu,cpuacct:/a", "0::/b"));

    Map<String, String> status =
        StatusViews.pathsByHierarchy(
            List.of(new CgroupPaths("memory;cpu,cpuacct", "/a"), new CgroupPaths("", "/b")),
            seen.keySet());
    Map<String, String> shared =
        StatusViews.pathsByHierarchy(List.of(new CgroupPaths("/a")), seen.keySet());

    assertThat(status).isEqualTo(seen);
    assertThat(shared).containsEntry("", "/a").containsEntry("memory", "/a").hasSize(3);
  }

  @Test
  void mountsOfStatusAndOfTheContainerCompareByMountPoint() {
    Map<String, StatusViews.Mount> status =
        StatusViews.mountsOfStatus(
            List.of(new MountView("/sys/fs/cgroup/{cpu,memory}", "/pod/c", true, false)));
    Map<String, StatusViews.Mount> seen =
        StatusViews.mounts(
            List.of(
                new ContainerView.CgroupMount("/sys/fs/cgroup/memory", "/pod/c", "cgroup", "ro"),
                new ContainerView.CgroupMount("/sys/fs/cgroup/cpu", "/pod/c", "cgroup", "ro")));

    assertThat(status).isEqualTo(seen);
  }
}
