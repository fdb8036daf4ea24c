package dev.cgroupns.sandbox.runc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeftoverSweeperTest {

  @Test
  void ownerIsIdentifiedByPidAndStartTime(@TempDir Path dir) throws Exception {
    ProcessOwner self = ProcessOwner.self();
    assertThat(self.isAlive()).isTrue();
    assertThat(new ProcessOwner(self.pid(), self.startTime() + 1).isAlive()).isFalse();
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

    Path dead = Files.createDirectories(tmp.resolve(LeftoverSweeper.WORK_DIR_PREFIX + "1"));
    ProcessOwner self = ProcessOwner.self();
    Files.writeString(
        dead.resolve("owner"), new ProcessOwner(self.pid(), self.startTime() - 1).toString());
    Files.writeString(
        dead.resolve("cgroup-root"), "/own/cgns-sandbox-dead\n" + cpu.resolve("own") + "\n");
    Path live = Files.createDirectories(tmp.resolve(LeftoverSweeper.WORK_DIR_PREFIX + "2"));
    LeftoverSweeper.claim(live);
    Path unrelated = Files.createDirectories(tmp.resolve("something-else"));

    List<String> reports = new ArrayList<>();
    new LeftoverSweeper(tmp, List.of(memory, cpu), "/nonexistent/runc").sweep(reports::add);

    assertThat(dead).doesNotExist();
    assertThat(memory.resolve("own/cgns-sandbox-dead")).doesNotExist();
    assertThat(cpu.resolve("own")).doesNotExist();
    assertThat(memory.resolve("own/cgns-sandbox-live")).isDirectory();
    assertThat(live).isDirectory();
    assertThat(unrelated).isDirectory();
    assertThat(reports)
        .singleElement()
        .asString()
        .contains("0 container(s)")
        .contains("/own/cgns-sandbox-dead");
  }
}
