package dev.cgroupns.sandbox.runc;

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
    assertThat(RuncRuntime.kubeletCgroupPath("/own/cgns-sandbox-1", UID, ID))
        .isEqualTo("/own/cgns-sandbox-1/kubepods/besteffort/pod" + UID + "/" + ID);
    assertThatThrownBy(() -> RuncRuntime.kubeletCgroupPath("/r", "../../etc", ID))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RuncRuntime.kubeletCgroupPath("/r", UID, "abc"))
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
  }

  @Test
  void rootIsNestedUnderTheOwnCgroupAndCloseRemovesWhatWasCreated(@TempDir Path cgroupfs)
      throws Exception {
    Path memory = Files.createDirectories(cgroupfs.resolve("memory/process_api/42"));
    Files.writeString(cgroupfs.resolve("memory/cgroup.procs"), "");
    Path cpu = Files.createDirectories(cgroupfs.resolve("cpu"));
    Files.writeString(cpu.resolve("cgroup.procs"), "");

    SandboxCgroupRoot root =
        SandboxCgroupRoot.create(
            List.of("4:memory:/process_api/42", "1:cpu:/"),
            List.of(cgroupfs.resolve("memory"), cpu),
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
  void rejectsSuffixesThatAreNotPlainNames(@TempDir Path cgroupfs) {
    assertThatThrownBy(() -> SandboxCgroupRoot.create(List.of("0::/"), List.of(cgroupfs), "../x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
