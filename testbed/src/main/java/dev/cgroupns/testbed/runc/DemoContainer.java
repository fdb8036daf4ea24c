package dev.cgroupns.testbed.runc;

import java.nio.file.Path;
import java.util.List;

/**
 * A runc container started by a {@link RuncRuntime}, standing in for a pod's container in the
 * sandbox's demo and in tests.
 */
public final class DemoContainer implements AutoCloseable {

  private final RuncRuntime runtime;
  private final String name;
  private final String containerId;
  private final String podUid;
  private final String cgroupsPath;
  private final int pid;
  private final Path bundle;

  DemoContainer(
      RuncRuntime runtime,
      String name,
      String containerId,
      String podUid,
      String cgroupsPath,
      int pid,
      Path bundle) {
    this.runtime = runtime;
    this.name = name;
    this.containerId = containerId;
    this.podUid = podUid;
    this.cgroupsPath = cgroupsPath;
    this.pid = pid;
    this.bundle = bundle;
  }

  /** runc's name for it (private to its runtime's runc root). */
  public String name() {
    return name;
  }

  /** The 64-hex ID its cgroup leaf and the Pod's containerStatuses carry. */
  public String containerId() {
    return containerId;
  }

  /** The UID of the Pod object it stands for. */
  public String podUid() {
    return podUid;
  }

  /** Its cgroup, the same in every hierarchy. */
  public String cgroupsPath() {
    return cgroupsPath;
  }

  /** Its init process on the host. */
  public int pid() {
    return pid;
  }

  /** Its root filesystem as the host sees it. */
  public Path rootfs() {
    return bundle.resolve("rootfs");
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

  @Override
  public String toString() {
    return name + " (pid " + pid + ", cgroup " + cgroupsPath + ")";
  }
}
