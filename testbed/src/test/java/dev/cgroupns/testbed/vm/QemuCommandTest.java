package dev.cgroupns.testbed.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QemuCommandTest {

  private static QemuCommand command(Path results) {
    return new QemuCommand(
        Path.of("/usr/bin/qemu-system-x86_64"),
        Path.of("/c/vmlinuz"),
        Path.of("/tmp/x.initrd"),
        results,
        2048,
        2,
        "cgroupns-vm-12-34");
  }

  @Test
  void softwareEmulationOfAPureCgroupV2KernelWithNoNetworkAndNoReboot() {
    List<String> args = command(Path.of("/r")).arguments();

    assertThat(args.get(0)).isEqualTo("/usr/bin/qemu-system-x86_64");
    assertThat(String.join(" ", args))
        .contains("-name cgroupns-vm-12-34")
        .contains("-accel tcg,thread=single -cpu max")
        .contains("-m 2048 -smp 2")
        .contains("-kernel /c/vmlinuz -initrd /tmp/x.initrd")
        .contains("-nographic -no-reboot -nic none")
        .doesNotContain("kvm");
    assertThat(args.get(args.indexOf("-append") + 1))
        .isEqualTo("console=ttyS0 cgroup_no_v1=all panic=-1 loglevel=4");
  }

  @Test
  void theHostRootIsSharedReadOnlyAndOnlyTheResultsWritable() {
    List<String> args = command(Path.of("/r")).arguments();

    assertThat(args.stream().filter(a -> a.startsWith("local,")))
        .containsExactly(
            "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap",
            "local,path=/r,mount_tag=results,security_model=none,multidevs=remap");
  }

  @Test
  void aCommaInTheResultsPathIsRefused() {
    assertThatThrownBy(() -> command(Path.of("/r,readonly=off")).arguments())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theOwnerMarkerIsFoundAgainInTheArguments() {
    assertThat(QemuProcesses.owner(command(Path.of("/r")).arguments()))
        .hasValueSatisfying(
            o -> {
              assertThat(o.pid()).isEqualTo(12);
              assertThat(o.startTime()).isEqualTo(34);
            });
    assertThat(QemuProcesses.owner(List.of("qemu-system-x86_64", "-name", "someone-else")))
        .isEmpty();
    assertThat(QemuProcesses.owner(List.of("qemu-system-x86_64"))).isEmpty();
    assertThat(QemuProcesses.ownerMarker()).matches("cgroupns-vm-[0-9]+-[0-9]+");
  }

  @Test
  void anInitramfsFileNamesItsOwnerToo() {
    assertThat(QemuProcesses.initrdOwner("cgroupns-vm-12-34-5678901.initrd"))
        .hasValueSatisfying(o -> assertThat(o.pid()).isEqualTo(12));
    assertThat(QemuProcesses.initrdOwner("cgroupns-vm-12-34-5678901.initrd.bak")).isEmpty();
    assertThat(QemuProcesses.initrdOwner("other-12-34-1.initrd")).isEmpty();
  }
}
