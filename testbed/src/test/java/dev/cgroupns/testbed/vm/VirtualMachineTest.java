package dev.cgroupns.testbed.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real boots of the VM (about 10 s each under software emulation here). */
class VirtualMachineTest {

  private final VirtualMachine vm = VirtualMachine.standard();

  @Test
  void theGuestIsPureCgroupV2AsRootOnTheHostsFilesAndWritesOnlyTheResults(@TempDir Path results)
      throws IOException {
    String script =
        "id -u; cat /proc/self/cgroup; cat /sys/fs/cgroup/cgroup.controllers;"
            + " grep ' /sys/fs/cgroup ' /proc/self/mountinfo; test -x /usr/sbin/runc && echo runc;"
            + " touch /var/tmp/written-in-the-guest && echo overlay-ok";

    VirtualMachine.Result result =
        vm.run(
            new VmJob(List.of("/bin/sh", "-c", script), Path.of("/"), Map.of()),
            results,
            Duration.ofMinutes(5));

    assertThat(result.timedOut()).isFalse();
    assertThat(result.jobExitStatus()).as(result.consoleTail(20)).hasValue(0);
    assertThat(Files.readString(result.jobOutput()))
        .startsWith("0\n0::/\n")
        .contains("memory")
        .contains("pids")
        .contains("cgroup2 rw,nsdelegate")
        .contains("runc")
        .contains("overlay-ok");
    assertThat(Path.of("/var/tmp/written-in-the-guest")).doesNotExist();
    assertThat(leftoverInitrds()).isEmpty();
  }

  @Test
  void aGuestThatDoesNotReturnInTimeIsKilledAndLeavesNothing(@TempDir Path results)
      throws IOException {
    VirtualMachine.Result result =
        vm.run(
            new VmJob(List.of("/bin/sleep", "3600"), Path.of("/"), Map.of()),
            results,
            Duration.ofSeconds(20));

    assertThat(result.timedOut()).isTrue();
    assertThat(result.jobExitStatus()).isEmpty();
    assertThat(ProcessHandle.allProcesses())
        .noneMatch(
            p ->
                p.info().commandLine().orElse("").contains(QemuProcesses.ownerMarker())
                    && p.isAlive());
    assertThat(leftoverInitrds()).isEmpty();
  }

  /** This JVM's initramfs files (another run may have its own there meanwhile). */
  private static List<Path> leftoverInitrds() throws IOException {
    String mine = QemuProcesses.ownerMarker() + "-";
    try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return tmp.filter(p -> p.getFileName().toString().startsWith(mine)).toList();
    }
  }
}
