package dev.cgroupns.testbed.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelTunablesTest {

  @TempDir Path dir;

  @Test
  void writesBackWhatChangedSinceTheRecord() throws IOException {
    Path procSys = dir.resolve("sys");
    for (String key : KernelTunables.KUBELET_SETS) {
      Files.createDirectories(procSys.resolve(key).getParent());
      Files.writeString(procSys.resolve(key), "0\n");
    }
    Files.writeString(procSys.resolve("kernel/panic"), "1\n");
    KernelTunables tunables = new KernelTunables(procSys);
    Path record = dir.resolve("record");
    tunables.record(record);

    Files.writeString(procSys.resolve("kernel/panic"), "10\n");
    Files.writeString(procSys.resolve("kernel/panic_on_oops"), "1\n");
    assertThat(tunables.changedFrom(KernelTunables.recorded(record)))
        .containsExactly("kernel/panic: 10 (was 1)", "kernel/panic_on_oops: 1 (was 0)");

    assertThat(tunables.restore(record)).isEmpty();
    assertThat(tunables.changedFrom(KernelTunables.recorded(record))).isEmpty();
    assertThat(procSys.resolve("kernel/panic")).hasContent("1");
  }

  @Test
  void ignoresKeysOutsideTheKubeletsList() throws IOException {
    Path procSys = dir.resolve("sys");
    Files.createDirectories(procSys.resolve("kernel"));
    Files.writeString(procSys.resolve("kernel/other"), "5");
    Path record = dir.resolve("record");
    Files.writeString(record, "kernel/other=7\n../../etc/passwd=x\n");
    assertThat(new KernelTunables(procSys).restore(record)).isEmpty();
    assertThat(procSys.resolve("kernel/other")).hasContent("5");
  }
}
