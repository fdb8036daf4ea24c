package dev.cgroupns.agent.proc;

import java.util.List;

/**
 * One line of /proc/PID/cgroup: {@code ID:CONTROLLERS:PATH}.
 *
 * <ul>
 *   <li>v1 lines carry the hierarchy ID (as in /proc/cgroups) and its controllers in the kernel's
 *       order, a named hierarchy as "name=xxx" (e.g. {@code 1:name=systemd:/}).
 *   <li>The v2 line is {@code 0::PATH}: ID 0 and no controllers.
 *   <li>The path is rendered relative to the cgroup namespace of the thread that READ the file, so
 *       it can start with {@code /..} segments.
 *   <li>The kernel appends {@code " (deleted)"} on the v2 hierarchy when the cgroup was removed
 *       while the process still references it (a zombie). It is stripped from {@link #path()} and
 *       reported by {@link #deleted()}. On v1 lines the kernel never appends it (an exiting task
 *       shows "/"), so there the text is kept as part of the name.
 * </ul>
 */
public record CgroupLine(int hierarchyId, List<String> controllers, String path, boolean deleted) {
  public CgroupLine {
    if (hierarchyId < 0) {
      throw new IllegalArgumentException("hierarchy ID must not be negative: " + hierarchyId);
    }
    controllers = List.copyOf(controllers);
    if (path == null || !(path.startsWith("/") || (deleted && path.isEmpty()))) {
      throw new IllegalArgumentException("cgroup path must be absolute: " + path);
    }
  }

  public CgroupLine(int hierarchyId, List<String> controllers, String path) {
    this(hierarchyId, controllers, path, false);
  }

  /** The unified (v2) hierarchy: ID 0 with no controllers. */
  public boolean isV2() {
    return hierarchyId == 0 && controllers.isEmpty();
  }

  /** The controller field as the kernel wrote it, e.g. "cpu,cpuacct" or "" for v2. */
  public String controllersKey() {
    return String.join(",", controllers);
  }

  /** The line as the kernel renders it. */
  public String render() {
    return hierarchyId + ":" + controllersKey() + ":" + path + (deleted ? " (deleted)" : "");
  }
}
