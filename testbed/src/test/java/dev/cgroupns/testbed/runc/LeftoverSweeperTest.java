package dev.cgroupns.testbed.runc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeftoverSweeperTest {

  private static Path privateDirectory(Path dir) throws Exception {
    return Files.createDirectory(
        dir,
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
  }

  @Test
  void ownerIsIdentifiedByPidAndStartTime(@TempDir Path dir) throws Exception {
    ProcessOwner self = ProcessOwner.self();
    assertThat(self.isAlive()).isTrue();
    assertThat(new ProcessOwner(self.pid(), self.startTime() + 1).isAlive()).isFalse();
    assertThat(ProcessOwner.isRunning(self.pid())).isTrue();
    assertThat(ProcessOwner.isRunning(Long.MAX_VALUE)).isFalse();
    Files.writeString(dir.resolve("owner"), self.toString());
    assertThat(ProcessOwner.read(dir.resolve("owner"))).contains(self);
    Files.writeString(dir.resolve("garbage"), "not a pid");
    assertThat(ProcessOwner.read(dir.resolve("garbage"))).isEmpty();
  }

  @Test
  void sweepsAbandonedRunsWithTheirCgroupsAndKeepsLiveOnes(
      @TempDir Path tmp, @TempDir Path cgroupfs) throws Exception {
    Path memory = Files.createDirectories(cgroupfs.resolve("memory"));
    Files.writeString(memory.resolve("cgroup.procs"), "");
    Path cpu = Files.createDirectories(cgroupfs.resolve("cpu"));
    Files.writeString(cpu.resolve("cgroup.procs"), "");
    Files.createDirectories(memory.resolve("own/cgns-sandbox-dead/kubepods/besteffort/podA/c1"));
    Files.createDirectories(cpu.resolve("own/cgns-sandbox-dead/kubepods"));
    Files.createDirectories(memory.resolve("own/cgns-sandbox-live"));

    Path dead = privateDirectory(tmp.resolve(LeftoverSweeper.WORK_DIR_PREFIX + "1"));
    ProcessOwner self = ProcessOwner.self();
    Files.writeString(
        dead.resolve("owner"), new ProcessOwner(self.pid(), self.startTime() - 1).toString());
    Files.writeString(
        dead.resolve("cgroup-root"), "/own/cgns-sandbox-dead\n" + cpu.resolve("own") + "\n");
    Path live = privateDirectory(tmp.resolve(LeftoverSweeper.WORK_DIR_PREFIX + "2"));
    LeftoverSweeper.claim(live);
    Path unrelated = Files.createDirectories(tmp.resolve("something-else"));
    // Planted by someone else: readable by all, and pointing at a cgroup that is not a sandbox's.
    Path planted = Files.createDirectories(tmp.resolve(LeftoverSweeper.WORK_DIR_PREFIX + "3"));
    Files.writeString(planted.resolve("owner"), "4194303 1");
    Files.writeString(planted.resolve("cgroup-root"), "/own/cgns-sandbox-live\n");
    Path hostile = privateDirectory(tmp.resolve(LeftoverSweeper.WORK_DIR_PREFIX + "4"));
    Files.writeString(hostile.resolve("owner"), "4194303 1");
    Files.writeString(
        hostile.resolve("cgroup-root"), "/system.slice\n" + memory.resolve("own") + "\n");
    Files.createDirectories(memory.resolve("system.slice/empty"));

    List<String> reports = new ArrayList<>();
    new LeftoverSweeper(tmp, List.of(memory, cpu), "/nonexistent/runc").sweep(reports::add);

    assertThat(dead).doesNotExist();
    assertThat(memory.resolve("own/cgns-sandbox-dead")).doesNotExist();
    assertThat(cpu.resolve("own")).doesNotExist();
    assertThat(memory.resolve("own/cgns-sandbox-live")).isDirectory();
    assertThat(live).isDirectory();
    assertThat(unrelated).isDirectory();
    assertThat(planted).isDirectory();
    assertThat(memory.resolve("system.slice/empty")).isDirectory();
    assertThat(memory.resolve("own")).isDirectory();
    assertThat(hostile).doesNotExist();
    assertThat(reports).hasSize(2);
    assertThat(reports.get(0)).contains("0 container(s)").contains("/own/cgns-sandbox-dead");
    assertThat(reports.get(1)).doesNotContain("cgroups under");
  }
}
