package dev.cgroupns.sandbox.demo;

import dev.cgroupns.agent.proc.MountInfoParser;
import dev.cgroupns.testbed.runc.DemoContainer;
import dev.cgroupns.testbed.runc.RuncRuntime;
import java.util.List;

/**
 * Reads a {@link ContainerView} through {@code runc exec}: every command runs inside the container
 * (its mount namespace, its cgroup), so the view is the container's, not the host's.
 */
public final class ContainerViewReader {

  private static final int SAMPLE_LINES = 8;

  private final RuncRuntime runtime;

  public ContainerViewReader(RuncRuntime runtime) {
    this.runtime = runtime;
  }

  public ContainerView read(DemoContainer container) {
    List<String> cgroup = runtime.exec(container, "cat", "/proc/self/cgroup").lines().toList();
    List<ContainerView.CgroupMount> mounts =
        cgroupMounts(runtime.exec(container, "cat", "/proc/self/mountinfo").lines().toList());
    List<String> top = runtime.exec(container, "ls", "/sys/fs/cgroup").lines().toList();
    List<String> dirs =
        runtime
            .exec(container, "find", "/sys/fs/cgroup/", "-mindepth", "1", "-type", "d")
            .lines()
            .toList();
    String sampleHierarchy = sampleHierarchy(mounts);
    List<String> sample =
        sampleHierarchy == null
            ? List.of()
            : runtime
                .exec(container, "find", sampleHierarchy, "-maxdepth", "2", "-type", "d")
                .lines()
                .limit(SAMPLE_LINES)
                .toList();
    return new ContainerView(cgroup, mounts, top, dirs.size(), sample);
  }

  /** Keeps the cgroup and cgroup2 mounts of mountinfo lines (parsed by the node agent's parser). */
  public static List<ContainerView.CgroupMount> cgroupMounts(List<String> mountinfo) {
    return MountInfoParser.parse(String.join("\n", mountinfo) + "\n").cgroupMounts().stream()
        .map(
            m ->
                new ContainerView.CgroupMount(
                    m.mountPoint(), m.root(), m.fsType(), m.readOnly() ? "ro" : "rw"))
        .toList();
  }

  /** The memory hierarchy if mounted (it shows every pod's cgroup), else the first cgroup mount. */
  private static String sampleHierarchy(List<ContainerView.CgroupMount> mounts) {
    return mounts.stream()
        .map(ContainerView.CgroupMount::mountPoint)
        .filter(m -> m.endsWith("/memory"))
        .findFirst()
        .orElse(mounts.isEmpty() ? null : mounts.get(0).mountPoint());
  }
}
