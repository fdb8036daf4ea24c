package dev.cgroupns.sandbox.demo;

import dev.cgroupns.agent.proc.MountInfoParser;
import dev.cgroupns.testbed.runc.DemoContainer;
import dev.cgroupns.testbed.runc.RuncRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads a {@link ContainerView} with commands run inside the container (its mount namespace, its
 * cgroup), so the view is the container's, not the host's.
 */
public final class ContainerViewReader {

  private static final int SAMPLE_LINES = 8;

  private ContainerViewReader() {}

  /** The view of one of the sandbox's own runc containers, through {@code runc exec}. */
  public static ContainerView read(RuncRuntime runtime, DemoContainer container) {
    return read(command -> runtime.exec(container, command));
  }

  public static ContainerView read(ContainerExec container) {
    List<String> cgroup = container.run("cat", "/proc/self/cgroup").lines().toList();
    List<ContainerView.CgroupMount> mounts =
        cgroupMounts(container.run("cat", "/proc/self/mountinfo").lines().toList());
    List<String> top = container.run("ls", "/sys/fs/cgroup").lines().toList();
    List<String> dirs = directories(container, "/sys/fs/cgroup/", "-mindepth", "1").toList();
    String sampleHierarchy = sampleHierarchy(mounts);
    List<String> sample =
        sampleHierarchy == null
            ? List.of()
            : directories(container, sampleHierarchy, "-maxdepth", "2")
                .limit(SAMPLE_LINES)
                .toList();
    return new ContainerView(cgroup, mounts, top, dirs.size(), sample);
  }

  /**
   * The directories {@code find <where> <options> -type d} lists inside the container. A container
   * that sees the host's whole tree walks cgroups that other processes create and remove meanwhile;
   * one that vanishes mid-walk makes find fail although the listing is good, so find's complaints
   * and exit status are dropped (by the container's own shell, with the arguments passed as "$@").
   */
  private static Stream<String> directories(
      ContainerExec container, String where, String... options) {
    List<String> command =
        new ArrayList<>(
            List.of("sh", "-c", "find \"$@\" -type d 2>/dev/null; exit 0", "find", where));
    command.addAll(List.of(options));
    return container.run(command.toArray(String[]::new)).lines();
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
