package dev.cgroupns.testbed.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupNamingTest {

  private static final String ID = "ab".repeat(32);
  private static final String UID = "0a1b2c3d-0000-4000-8000-00000000002a";

  @Test
  void containerCgroupIsNamedAsKubeletNamesABestEffortPodsContainer() {
    assertThat(
            KubeletCgroupPath.forContainer(
                "/own/cgns-sandbox-1", ContainerSpec.Driver.CGROUPFS, UID, ID))
        .isEqualTo("/own/cgns-sandbox-1/kubepods/besteffort/pod" + UID + "/" + ID);
    assertThat(
            KubeletCgroupPath.forContainer(
                "/own/cgns-test-2", ContainerSpec.Driver.SYSTEMD_NAMES, UID, ID))
        .isEqualTo(
            "/own/cgns-test-2/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
                + UID.replace('-', '_')
                + ".slice/cri-containerd-"
                + ID
                + ".scope");
  }

  @Test
  void refusesPodUidsAndContainerIdsOfAnotherForm() {
    assertThatThrownBy(
            () ->
                KubeletCgroupPath.forContainer(
                    "/r", ContainerSpec.Driver.CGROUPFS, "../../etc", ID))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> KubeletCgroupPath.forContainer("/r", ContainerSpec.Driver.CGROUPFS, UID, "abc"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void deepestOwnCgroupMustExtendTheOthers() {
    assertThat(
            OwnCgroups.deepest(
                List.of("9:name=systemd:/", "4:memory:/process_api/42", "1:cpu:/", "0::/")))
        .isEqualTo("/process_api/42");
    assertThat(OwnCgroups.deepest(List.of("0::/a/b", "1:cpu:/a"))).isEqualTo("/a/b");
    assertThatThrownBy(() -> OwnCgroups.deepest(List.of("1:cpu:/x", "4:memory:/y/z")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("do not nest");
    assertThatThrownBy(() -> OwnCgroups.deepest(List.of("garbage")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void rootIsNestedUnderTheOwnCgroupAndCloseRemovesWhatWasCreated(@TempDir Path cgroupfs)
      throws Exception {
    Path memory = Files.createDirectories(cgroupfs.resolve("memory/process_api/42"));
    Files.writeString(cgroupfs.resolve("memory/cgroup.procs"), "");
    Path cpu = Files.createDirectories(cgroupfs.resolve("cpu"));
    Files.writeString(cpu.resolve("cgroup.procs"), "");

    CgroupRoot root =
        CgroupRoot.create(
            List.of("4:memory:/process_api/42", "1:cpu:/"),
            List.of(cgroupfs.resolve("memory"), cpu),
            "sandbox",
            "7f");
    assertThat(root.path()).isEqualTo("/process_api/42/cgns-sandbox-7f");

    // What runc would create: the container cgroups, and the own path in the cpu hierarchy.
    Files.createDirectories(memory.resolve("cgns-sandbox-7f/kubepods/besteffort/podA/c1"));
    Files.createDirectories(
        cpu.resolve("process_api/42/cgns-sandbox-7f/kubepods/besteffort/podA/c1"));
    assertThat(root.remaining()).hasSize(4);

    root.close();

    assertThat(root.remaining()).isEmpty();
    assertThat(memory).isDirectory();
    assertThat(cpu.resolve("process_api")).doesNotExist();
  }

  @Test
  void closeKeepsCreatedAncestorsThatAnotherRunUsesMeanwhile(@TempDir Path cgroupfs)
      throws Exception {
    Path cpu = Files.createDirectories(cgroupfs.resolve("cpu"));
    List<String> own = List.of("4:memory:/process_api/42", "1:cpu:/");
    CgroupRoot first = CgroupRoot.create(own, List.of(cpu), "test", "1");
    CgroupRoot second = CgroupRoot.create(own, List.of(cpu), "test", "2");
    Files.createDirectories(cpu.resolve("process_api/42/cgns-test-1/kubepods"));
    Files.createDirectories(cpu.resolve("process_api/42/cgns-test-2/kubepods"));

    first.close();

    assertThat(cpu.resolve("process_api/42/cgns-test-1")).doesNotExist();
    assertThat(cpu.resolve("process_api/42/cgns-test-2")).isDirectory();
    second.close();
    assertThat(cpu.resolve("process_api")).doesNotExist();
  }

  @Test
  void rejectsNamesThatAreNotPlain(@TempDir Path cgroupfs) {
    assertThatThrownBy(() -> CgroupRoot.create(List.of("0::/"), List.of(cgroupfs), "x", "../1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CgroupRoot.create(List.of("0::/"), List.of(cgroupfs), "a/b", "1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CgroupRoot.removeSubtree(List.of(cgroupfs), "/a/../b"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hierarchiesAreTheCgroupMountsUnderSysFsCgroupMountedAtTheirRoot() {
    List<String> mountinfo =
        List.of(
            "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
            "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
            "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
            "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime shared:5 - cgroup cgroup rw,name=systemd",
            "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw",
            "90 23 0:38 / /mnt/other\\040place rw - cgroup2 cgroup2 rw");
    assertThat(CgroupHierarchies.parse(mountinfo))
        .containsExactly(
            Path.of("/sys/fs/cgroup/cpu"),
            Path.of("/sys/fs/cgroup/memory"),
            Path.of("/sys/fs/cgroup/systemd"),
            Path.of("/sys/fs/cgroup/unified"));
    assertThat(
            CgroupHierarchies.parse(
                List.of("41 23 0:38 / /sys/fs/cgroup rw,nsdelegate - cgroup2 cgroup2 rw")))
        .containsExactly(Path.of("/sys/fs/cgroup"));
  }

  @Test
  void aHierarchyMountedBelowItsRootMeansAnotherCgroupNamespace() {
    assertThatThrownBy(
            () ->
                CgroupHierarchies.parse(
                    List.of("35 31 0:32 /../.. /sys/fs/cgroup/memory rw - cgroup cgroup rw")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("/../..");
  }
}
