package dev.cgroupns.sandbox.demo;

import dev.cgroupns.sandbox.runc.DemoContainer;
import dev.cgroupns.sandbox.runc.RuncRuntime;
import java.util.ArrayList;
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

  /** Parses mountinfo lines, keeping cgroup and cgroup2 mounts (fields per proc(5)). */
  public static List<ContainerView.CgroupMount> cgroupMounts(List<String> mountinfo) {
    List<ContainerView.CgroupMount> mounts = new ArrayList<>();
    for (String line : mountinfo) {
      int separator = line.indexOf(" - ");
      if (separator < 0) {
        continue;
      }
      String[] before = line.substring(0, separator).split(" ");
      String[] after = line.substring(separator + 3).split(" ");
      if (before.length < 6 || after.length < 1) {
        continue;
      }
      String type = after[0];
      if (!type.equals("cgroup") && !type.equals("cgroup2")) {
        continue;
      }
      String options = before[5];
      String access = options.startsWith("ro") ? "ro" : "rw";
      mounts.add(new ContainerView.CgroupMount(before[4], before[3], type, access));
    }
    return mounts;
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
