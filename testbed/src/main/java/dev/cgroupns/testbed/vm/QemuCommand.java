package dev.cgroupns.testbed.vm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The qemu command line of a VM run: software emulation (KVM cannot boot this kernel on these
 * hosts: "failed to set MSR 0x10a", then emulation failures), the serial console on stdio, no
 * network, no reboot (a panic or power-off ends qemu), and two 9p shares: the host's root,
 * read-only, and the results directory, writable.
 *
 * <p>All virtual CPUs run on one host thread ({@code thread=single}). With one host thread per CPU
 * the suite died once on CI with SIGILL inside a method the guest JVM had compiled. The JVM
 * rewrites compiled code in place while other threads run it, which is where emulation on many
 * threads is weakest; on one thread every code write is seen by every CPU before it runs again. The
 * suite costs some minutes more.
 *
 * @param qemu the qemu-system-x86_64 binary
 * @param owner the marker of the JVM that started it ({@link QemuProcesses#ownerMarker}), in qemu's
 *     {@code -name}, so a later run can find a qemu whose JVM was killed
 */
public record QemuCommand(
    Path qemu,
    Path kernel,
    Path initrd,
    Path resultsDir,
    int memoryMegabytes,
    int cpus,
    String owner) {

  /**
   * {@code cgroup_no_v1=all}: the layout of a pure cgroup v2 node; {@code panic=-1}: reboot at once
   * on a panic, which {@code -no-reboot} turns into qemu's exit.
   */
  static final String KERNEL_ARGS = "console=ttyS0 cgroup_no_v1=all panic=-1 loglevel=4";

  public List<String> arguments() {
    List<String> args = new ArrayList<>();
    args.add(qemu.toString());
    args.addAll(List.of("-name", owner));
    args.addAll(List.of("-accel", "tcg,thread=single", "-cpu", "max"));
    args.addAll(List.of("-m", Integer.toString(memoryMegabytes), "-smp", Integer.toString(cpus)));
    args.addAll(List.of("-kernel", kernel.toString(), "-initrd", initrd.toString()));
    args.addAll(List.of("-append", KERNEL_ARGS));
    args.addAll(List.of("-nographic", "-no-reboot", "-nic", "none"));
    args.addAll(
        List.of(
            "-virtfs",
            "local,path=/,mount_tag="
                + InitScript.HOST_ROOT_TAG
                + ",security_model=none,readonly=on,multidevs=remap"));
    args.addAll(
        List.of(
            "-virtfs",
            "local,path="
                + virtfsPath(resultsDir)
                + ",mount_tag="
                + InitScript.RESULTS_TAG
                + ",security_model=none,multidevs=remap"));
    return args;
  }

  /** qemu's option syntax gives ',' a meaning (doubled to escape); such paths are refused. */
  private static String virtfsPath(Path dir) {
    String s = dir.toAbsolutePath().toString();
    if (s.contains(",")) {
      throw new IllegalArgumentException("a shared directory's path may not contain ',': " + s);
    }
    return s;
  }
}
