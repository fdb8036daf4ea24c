package dev.cgroupns.testbed.runc;

import java.nio.file.Path;
import java.util.List;

/**
 * A runc container started by a {@link RuncRuntime}, standing in for a pod's container in the
 * sandbox's demo and in tests.
 *
 * @param name runc's name for it (private to its runtime's runc root)
 * @param containerId the 64-hex ID its cgroup leaf and the Pod's containerStatuses carry
 * @param podUid the UID of the Pod object it stands for
 * @param cgroupsPath its cgroup, the same in every hierarchy
 * @param pid its init process on the host
 * @param runtime the runtime that started it, which runs the commands below
 */
public record DemoContainer(
    String name,
    String containerId,
    String podUid,
    String cgroupsPath,
    int pid,
    RuncRuntime runtime)
    implements AutoCloseable {

  /** Its root filesystem as the host sees it. */
  public Path rootfs() {
    return runtime.bundle(name).resolve("rootfs");
  }

  /** Runs a program inside it ({@code runc exec}, no shell) and returns its stdout. */
  public String exec(String... args) {
    return runtime.exec(this, args);
  }

  /** See {@link RuncRuntime#kill}. */
  public void kill() {
    runtime.kill(this);
  }

  /** Marker files left by {@link RootfsTraps} that ran (for a container made with traps). */
  public List<String> trapMarkers() {
    return RootfsTraps.markers(rootfs());
  }

  /** Deletes it ({@code runc delete -f}); its own cgroup goes with it, its pod's stays. */
  @Override
  public void close() {
    runtime.delete(name);
  }
}
